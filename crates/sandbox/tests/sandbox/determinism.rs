//! Same method bytes and same inputs: bit-identical targets, across instances and threads.

use aar_domain::{EpochTargets, StudentMethod};

use crate::support::{Data, method};

const METHODS: [&str; 3] = [
    include_str!("../../../../demo/bundles/logconf-v2-balanced/method.rhai"),
    include_str!("../../../../demo/bundles/consistency-elicitation/method.rhai"),
    include_str!("../../../../demo/bundles/product-of-experts-tuned/method.rhai"),
];

fn run(source: &str) -> Vec<EpochTargets> {
    let data = Data::new();
    let mut method = method(source);
    (0..30).step_by(7).map(|epoch| method.targets(&data.ctx(epoch, 30)).unwrap()).collect()
}

fn bits(targets: &[EpochTargets]) -> Vec<Vec<u32>> {
    targets
        .iter()
        .map(|t| match t {
            EpochTargets::Custom { targets, weights } => {
                targets.iter().chain(weights.iter().flatten()).map(|x| x.to_bits()).collect()
            }
            other => vec![u32::from(matches!(other, EpochTargets::Teacher))],
        })
        .collect()
}

#[test]
fn same_method_same_inputs_same_bits() {
    for source in METHODS {
        let first = bits(&run(source));
        assert_eq!(first, bits(&run(source)));
        let threads: Vec<_> = (0..2).map(|_| std::thread::spawn(move || bits(&run(source)))).collect();
        for thread in threads {
            assert_eq!(first, thread.join().unwrap());
        }
    }
}
