//! `aar-taskgen --out tasks`: writes every bundled task pack into `tasks/<name>/`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: aar-taskgen [--bench] --out <dir>\n\nWrites <dir>/<name>/task.json and \
<dir>/<name>/data.safetensors for every bundled task pack (deterministic: same bytes every run).\n\
With --bench, writes only the large benchmark pack `latent-20k` (not bundled).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (bench, out) = match args.as_slice() {
        [flag, dir] if flag == "--out" => (false, PathBuf::from(dir)),
        [bench, flag, dir] if bench == "--bench" && flag == "--out" => (true, PathBuf::from(dir)),
        [flag] if flag == "--help" || flag == "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let written = if bench {
        let pack = aar_taskgen::latent_large();
        pack.write_into(&out).map(|()| vec![pack.task.name.clone()])
    } else {
        aar_taskgen::write_all(&out)
    };
    match written {
        Ok(names) => {
            for name in names {
                println!("wrote {}", out.join(name).display());
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("aar-taskgen: cannot write into {}: {err}", out.display());
            ExitCode::FAILURE
        }
    }
}
