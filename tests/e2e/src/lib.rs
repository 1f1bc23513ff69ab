//! Harness for the end-to-end test: starts `tauri-driver` (which starts WebKitWebDriver, which
//! starts the built app) on free ports with a fresh database, opens a WebDriver session, and tears
//! all of it down again, also when a test fails.
//!
//! Needs an X display (run under `xvfb-run -a`), `tauri-driver` (`cargo install tauri-driver
//! --locked`), `/usr/bin/WebKitWebDriver` (Debian's `webkit2gtk-driver`) and a built app
//! (`npm --prefix ui ci && npm --prefix ui run build && cargo build -p aar-review-app`).

use std::ffi::OsStr;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder};

/// The repository root (this crate lives in `tests/e2e`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root exists")
}

/// The built app: `AAR_E2E_APP`, else `<target dir>/debug/aar-review-app`.
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AAR_E2E_APP") {
        return PathBuf::from(path);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo_root().join("target"), PathBuf::from);
    target.join("debug/aar-review-app")
}

/// The CLI, built next to the app: the test reads the store through it to check the window.
pub fn cli_binary() -> PathBuf {
    app_binary().with_file_name("aar-review")
}

fn tauri_driver_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    in_cargo_home.filter(|p| p.exists()).unwrap_or_else(|| PathBuf::from("tauri-driver"))
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("the OS hands out a free local port")
        .port()
}

/// `tauri-driver` and everything it starts, in their own process group; dropping this kills the
/// group, so no app window outlives a failed test.
#[derive(Debug)]
pub struct DriverProcess {
    child: Child,
    pub port: u16,
}

impl DriverProcess {
    /// Starts tauri-driver on free ports. The app inherits `env` through tauri-driver and
    /// WebKitWebDriver, and gets a fresh profile under `profile` (its localStorage and WebKit
    /// caches live in the XDG folders), so no run sees a theme or setting left by another.
    pub fn spawn(profile: &Path, env: &[(&str, &OsStr)]) -> DriverProcess {
        let port = free_port();
        let native_port = free_port();
        let binary = tauri_driver_binary();
        let mut command = Command::new(&binary);
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .stdin(Stdio::null())
            .process_group(0);
        for (key, folder) in
            [("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")]
        {
            command.env(key, profile.join(folder));
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "could not start {} ({e}); install it with `cargo install tauri-driver --locked`",
                binary.display()
            )
        });
        let driver = DriverProcess { child, port };
        // tauri-driver listens at once but starts WebKitWebDriver beside it; a session requested
        // before WebKitWebDriver listens fails with "tcp connect error" (seen on a loaded 2-core
        // CI machine), so both ports must answer first.
        wait_for_listener("tauri-driver", port);
        wait_for_listener("WebKitWebDriver", native_port);
        driver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn wait_for_listener(what: &str, port: u16) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on port {port} within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        // Negative pid: the whole process group (tauri-driver, WebKitWebDriver, the app).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens a WebDriver session on the app at `application`.
pub async fn connect(driver: &DriverProcess, application: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert("tauri:options".into(), serde_json::json!({ "application": application }));
    // Even with both drivers listening, the first session can be refused while WebKitWebDriver
    // is still setting up; a few spaced tries tell a slow start from a broken one.
    let mut last_error = None;
    for attempt in 0..4u64 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(2 * attempt)).await;
        }
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&driver.url()).await {
            Ok(client) => return client,
            Err(e) => last_error = Some(e),
        }
    }
    panic!(
        "no WebDriver session with the app {} after 4 tries: {}",
        application.display(),
        last_error.map_or_else(String::new, |e| e.to_string())
    )
}

/// Polls `probe` until it returns `Some`, failing after `timeout` with `what` in the message.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The rendered texts (`innerText`) of all elements matching a CSS selector, in one round trip.
///
/// WebKitWebDriver's own "element text" answered "" for elements inside the app's scrolling
/// panes, so the page is asked directly.
pub async fn texts(client: &Client, css: &str) -> Vec<String> {
    let script = "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText);";
    match client.execute(script, vec![css.into()]).await {
        Ok(serde_json::Value::Array(values)) => {
            values.into_iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect()
        }
        _ => Vec::new(),
    }
}

/// The rendered text of the first element matching a CSS selector, if there is one.
pub async fn text(client: &Client, css: &str) -> Option<String> {
    texts(client, css).await.into_iter().next()
}

/// Presses keys one after the other, as a person would (the app's single-key shortcuts).
pub async fn press(client: &Client, keys: &str) {
    let mut actions = KeyActions::new("keyboard".to_owned());
    for key in keys.chars() {
        actions = actions.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    }
    client.perform_actions(actions).await.unwrap_or_else(|e| panic!("could not press {keys:?}: {e}"));
}

/// Writes a PNG under `dir`, creating it.
pub fn write_png(dir: &Path, name: &str, png: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let path = dir.join(name);
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// A PNG of the window as it is now. WebKitWebDriver can hand back the last painted frame, older
/// than the DOM, so this waits for two animation frames (one full paint) first.
pub async fn screenshot(client: &Client) -> Vec<u8> {
    let settle = "const done = arguments[arguments.length - 1];
                  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(true), 50)));";
    client.execute_async(settle, vec![]).await.expect("the page paints a frame");
    client.screenshot().await.expect("WebDriver takes a screenshot")
}
