// The demo corpus is embedded with include_dir!, which does not tell cargo about the files it
// reads; without this an edited demo bundle would not be picked up until a clean build.
fn main() {
    println!("cargo:rerun-if-changed=../../demo/bundles");
    println!("cargo:rerun-if-changed=../../demo/aar-export");
    println!("cargo:rerun-if-changed=../../tasks");
}
