//! `aar-taskgen --out tasks`: writes every bundled task pack into `tasks/<name>/`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: aar-taskgen --out <dir>\n\nWrites <dir>/<name>/task.json and \
<dir>/<name>/data.safetensors for every bundled task pack (deterministic: same bytes every run).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.as_slice() {
        [flag, dir] if flag == "--out" => PathBuf::from(dir),
        [flag] if flag == "--help" || flag == "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match aar_taskgen::write_all(&out) {
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
