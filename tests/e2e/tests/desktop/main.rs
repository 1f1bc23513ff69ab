//! Drives the real desktop app: queue, filter, Overview, Code, Diff, keyboard, import, a re-run
//! from the Runs view, a re-run of a submission's own method from its page, a verification from
//! its page, screenshots; `AAR_E2E_BATCH=1` also verifies a selection of two as a batch.
//!
//! Run by `./dev test` as
//! `xvfb-run -a cargo test -p aar-review-e2e -- --ignored --test-threads=1`
//! after `npm --prefix ui ci && npm --prefix ui run build && cargo build -p aar-review-app`.
//! `AAR_E2E_SCREENSHOT_TO_DOCS=1` also writes `docs/screenshot.png`, `docs/rerun.png`,
//! `docs/diff-unified.png` and `docs/diff-side-by-side.png`;
//! `AAR_E2E_TOUR=1` writes a
//! screenshot of every tab, in both themes, to `tests/e2e/artifacts/`.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use aar_review_e2e::{
    DriverProcess, app_binary, cli_binary, connect, press, repo_root, screenshot, text, texts, wait_for,
    write_png,
};
use fantoccini::{Client, Locator};

/// Two reviewers and a lead take a submission from new to signed off (its own app and store).
mod review;

/// A root submission of the demo corpus.
const VANILLA: &str = "Vanilla baseline: cross-entropy on the teacher's soft labels";
/// A demo submission whose parent (logconf v1) is in the corpus too.
const LOGCONF_V2: &str = "logconf v2: hardening at the teacher's class balance";

/// Who the app acts as, passed through the environment.
const REVIEWER: &str = "e2e-reviewer";

const STARTUP: Duration = Duration::from_secs(90);
/// A one-seed re-run of a sandboxed method on CPU, on a 2-core CI machine.
const RERUN: Duration = Duration::from_secs(240);
const STEP: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, tauri-driver and a built app; run by ./dev test"]
async fn review_a_submission_end_to_end() {
    let app = app_binary();
    assert!(
        app.exists(),
        "{} is missing: build it with `npm --prefix ui ci && npm --prefix ui run build && cargo build -p aar-review-app`",
        app.display()
    );
    let dir = tempfile::tempdir().expect("a temporary directory for the test database");
    let db = dir.path().join("review.db");
    // Verifications draw the same secrets every run, so what they flag repeats.
    let env = [
        ("AAR_REVIEW_DB", db.as_os_str()),
        ("AAR_REVIEW_USER", OsStr::new(REVIEWER)),
        ("AAR_REVIEW_SECRETS_SEED", OsStr::new("2026")),
    ];
    let driver = DriverProcess::spawn(dir.path(), &env);
    let client = connect(&driver, &app).await;

    // Run the steps as a task so that the session is closed even when one of them fails; the
    // driver guard then kills whatever is left.
    let steps = tokio::spawn({
        let client = client.clone();
        let db = db.clone();
        async move { exercise(&client, &db).await }
    });
    let outcome = steps.await;
    let _ = client.close().await;
    drop(driver);
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

async fn exercise(client: &Client, db: &Path) {
    first_start_shows_the_demo_queue(client).await;
    let filter = filter_and_open_logconf_v2(client).await;
    code_tab_shows_the_method_first(client).await;
    diff_tab_compares_with_the_parent(client).await;
    diff_tab_switches_layout_and_marks_files_viewed(client).await;

    // Clear the filter and leave it (Escape): the whole queue comes back, logconf v2 selected.
    filter.send_keys("\u{E009}a\u{E000}\u{E003}").await.expect("the filter box can be emptied");
    press(client, "\u{E00C}").await;
    // Key events reach the page asynchronously: wait until Escape has left the box.
    wait_for("Escape to leave the filter box", STEP, async || {
        let focused =
            client.execute("return document.activeElement?.dataset?.testid ?? null;", vec![]).await.ok()?;
        (focused.as_str() != Some("queue-filter")).then_some(())
    })
    .await;
    let rows = wait_for("the whole queue to come back", STEP, async || {
        let rows = texts(client, "[data-testid=queue-row]").await;
        (rows.len() >= 10).then_some(rows)
    })
    .await;
    let selected = text(client, "[data-testid=queue-row][aria-selected=true] .row-title").await;
    assert_eq!(
        selected.as_deref(),
        Some(LOGCONF_V2),
        "clearing the filter should keep the selection ({} rows)",
        rows.len()
    );

    let png = screenshot(client).await;
    let root = repo_root();
    write_png(&root.join("tests/e2e/artifacts"), "app.png", &png);
    if std::env::var_os("AAR_E2E_SCREENSHOT_TO_DOCS").is_some_and(|v| v == "1") {
        write_png(&root.join("docs"), "screenshot.png", &png);
    }

    press(client, "n").await;
    wait_for("n to mark the first hunk current", STEP, async || {
        client.find(Locator::Css("[data-testid=diff-hunk].current")).await.ok().map(|_| ())
    })
    .await;
    comment_on_the_current_hunk(client).await;
    if touring() {
        tour(client).await;
    }
    cheat_sheet_opens_and_closes(client).await;
    import_reports_errors_and_results(client).await;
    a_10000_line_diff_opens_without_freezing(client, db.parent().expect("the database has a folder")).await;
    rerun_from_the_runs_view(client, db).await;
    rerun_a_submission_from_its_page(client, db).await;
    verify_a_submission_from_its_page(client).await;
    // A batch takes another minute or more on a 2-core machine: run when asked for.
    if std::env::var_os("AAR_E2E_BATCH").is_some_and(|v| v == "1") {
        verify_a_selection_as_a_batch(client).await;
    }
}

/// A fresh database gets the demo corpus on the first start.
async fn first_start_shows_the_demo_queue(client: &Client) {
    let rows = wait_for("the queue to show at least 10 demo submissions", STARTUP, async || {
        let rows = texts(client, "[data-testid=queue-row] .row-title").await;
        (rows.len() >= 10).then_some(rows)
    })
    .await;
    assert!(
        rows.iter().any(|t| t == VANILLA),
        "the demo corpus should include {VANILLA:?}; the queue shows {rows:?}"
    );
    let count = text(client, "[data-testid=submission-count]").await.unwrap_or_default();
    assert!(
        count.starts_with(&rows.len().to_string()),
        "the status bar should count every queued row, says {count:?}"
    );
    let status = text(client, "[data-testid=status-bar]").await.unwrap_or_default();
    assert!(
        status.contains(REVIEWER),
        "the status bar should name the reviewer from AAR_REVIEW_USER, says {status:?}"
    );
}

/// Filters the queue down to one submission and opens it; returns the filter box.
async fn filter_and_open_logconf_v2(client: &Client) -> fantoccini::elements::Element {
    let filter =
        client.find(Locator::Css("[data-testid=queue-filter]")).await.expect("the queue has a filter box");
    filter.send_keys("logconf v2 hardening").await.expect("the filter box takes text");
    let filtered = wait_for("the filter to leave exactly logconf v2", STEP, async || {
        let rows = texts(client, "[data-testid=queue-row] .row-title").await;
        (rows.len() == 1).then_some(rows)
    })
    .await;
    assert_eq!(filtered, [LOGCONF_V2], "the filter should match the title words");
    client
        .find(Locator::Css("[data-testid=queue-row]"))
        .await
        .expect("the filtered row is there")
        .click()
        .await
        .expect("the row can be clicked");
    wait_for("the detail to show logconf v2", STEP, async || {
        (text(client, "[data-testid=detail-title]").await? == LOGCONF_V2).then_some(())
    })
    .await;
    // The claimed digits PGR, as the demo's generator wrote it (demo/tools/regenerate_claims.py).
    let pgr = format!("{:.3}", demo_claim("logconf-v2-balanced", "digits"));
    let claims = text(client, "[data-testid=claims-table]").await.unwrap_or_default();
    assert!(
        claims.contains("digits") && claims.contains(&pgr),
        "the Overview should list the claims (digits {pgr}), shows {claims:?}"
    );

    filter
}

async fn code_tab_shows_the_method_first(client: &Client) {
    click(client, "[data-testid=tab-code]").await;
    let code = wait_for("the Code tab to show the method", STEP, async || {
        text(client, "[data-testid=code-view]").await.filter(|t| t.contains("fn targets"))
    })
    .await;
    assert!(
        code.contains("balanced_harden"),
        "the Code tab should show logconf v2's own method, not another file"
    );
    let first_file = text(client, "[data-testid=code-file]").await.unwrap_or_default();
    assert!(
        first_file.contains("method.rhai"),
        "the method should be listed first, the list starts with {first_file:?}"
    );
}

/// The Diff tab (3, by keyboard) compares with the parent, logconf v1, by default.
async fn diff_tab_compares_with_the_parent(client: &Client) {
    press(client, "3").await;
    let hunks = wait_for("the Diff tab to show a hunk against the parent", STEP, async || {
        let hunks = texts(client, "[data-testid=diff-hunk]").await;
        (!hunks.is_empty()).then_some(hunks)
    })
    .await;
    assert!(
        hunks[0].contains("@@ -"),
        "a hunk should start with its unified header, starts with {:?}",
        &hunks[0]
    );
    assert!(
        hunks.iter().any(|h| h.contains("balanced_harden")),
        "the diff against logconf v1 should show the new balanced_harden function"
    );
}

/// `m` switches the diff between unified and side by side (pictures of both for docs/), and `v`
/// marks the file on top viewed: it collapses and the count goes up; `v` again brings it back.
async fn diff_tab_switches_layout_and_marks_files_viewed(client: &Client) {
    let root = repo_root();
    let to_docs = std::env::var_os("AAR_E2E_SCREENSHOT_TO_DOCS").is_some_and(|v| v == "1");
    for (name, split) in [("diff-unified.png", false), ("diff-side-by-side.png", true)] {
        if split {
            press(client, "m").await;
        }
        wait_for("the diff rows in the chosen layout", STEP, async || {
            let pairs = client.find_all(Locator::Css("[data-testid=diff-view] .dl.pair")).await.ok()?.len();
            let lines = client.find_all(Locator::Css("[data-testid=diff-view] .dl")).await.ok()?.len();
            (lines > 0 && (pairs > 0) == split).then_some(())
        })
        .await;
        let png = screenshot(client).await;
        write_png(&root.join("tests/e2e/artifacts"), name, &png);
        if to_docs {
            write_png(&root.join("docs"), name, &png);
        }
    }
    press(client, "m").await;
    // Wait for unified rows, not just for the pairs to go: between the two the list can be empty.
    wait_for("m to go back to the unified layout", STEP, async || {
        let pairs = client.find_all(Locator::Css("[data-testid=diff-view] .dl.pair")).await.ok()?.len();
        let lines = client.find_all(Locator::Css("[data-testid=diff-view] .dl")).await.ok()?.len();
        (lines > 0 && pairs == 0).then_some(())
    })
    .await;

    let before = text(client, "[data-testid=diff-viewed]").await.unwrap_or_default();
    assert!(before.starts_with("0/"), "nothing is viewed in a fresh profile: {before:?}");
    // The method is the first file; "closed" is its header's collapsed state, which does not
    // depend on how many rows the virtual list has drawn so far.
    let method_closed = async || {
        let script = "const h = document.querySelector('[data-testid=diff-file]'); \
                      return h ? h.classList.contains('closed') : null;";
        client.execute(script, vec![]).await.ok()?.as_bool()
    };
    assert_eq!(method_closed().await, Some(false), "the method is open before v");
    press(client, "v").await;
    wait_for("v to mark the method viewed and collapse it", STEP, async || {
        let count = text(client, "[data-testid=diff-viewed]").await?;
        (count.starts_with("1/") && method_closed().await?).then_some(())
    })
    .await;
    press(client, "v").await;
    wait_for("v again to bring the method back", STEP, async || {
        let count = text(client, "[data-testid=diff-viewed]").await?;
        (count.starts_with("0/") && !method_closed().await?).then_some(())
    })
    .await;
}

/// `o` takes the keyboard to the page; `c` on the Diff tab's current hunk opens a comment box
/// under the hunk's first inserted line (line 8 of logconf v2's method); Ctrl+Enter posts it, and
/// the thread hangs there in the diff.
async fn comment_on_the_current_hunk(client: &Client) {
    const BODY: &str = "Is the v2 note in the header the only change to this block?";
    press(client, "o").await;
    press(client, "c").await;
    wait_for("c to open a comment box in the diff with the focus in it", STEP, async || {
        let script = "const a = document.activeElement; \
                      return a?.dataset?.testid === 'comment-body' ? a.getAttribute('aria-label') : null;";
        let label = client.execute(script, vec![]).await.ok()?.as_str()?.to_owned();
        label.contains("method.rhai line 8").then_some(())
    })
    .await;
    press(client, BODY).await;
    review::ctrl_enter(client).await;
    wait_for("Ctrl+Enter to post the comment under its line in the diff", STEP, async || {
        let comments = texts(client, "[data-testid=diff-thread] [data-testid=comment]").await;
        comments.iter().any(|c| c.contains(BODY)).then_some(())
    })
    .await;
}

/// A child whose 10,000-line method differs from its parent's on every tenth line (4,000 changed
/// lines in 1,000 hunks) opens in the Diff tab, scrolls to its end, and switches layout; the
/// list keeps only what is on screen mounted. Prints the times (BENCHMARKS.md, "Diff"); asserts
/// only that it works, as speed targets never go into timed tests.
async fn a_10000_line_diff_opens_without_freezing(client: &Client, dir: &Path) {
    const TITLE: &str = "Ten thousand lines";
    let line = |i: usize, edited: bool| {
        let call = if edited { "compute_fast" } else { "compute" };
        format!("    let value_{i} = {call}(ctx.student, {i}) * weight_{};\n", i % 7)
    };
    let parent: String = (0..10_000).map(|i| line(i, false)).collect();
    let child: String = (0..10_000).map(|i| line(i, i % 10 == 5)).collect();
    let mut paths = Vec::new();
    for (name, method, source, parent_ref) in
        [("big-parent", &parent, "big1", None), ("big-child", &child, "big2", Some("big1"))]
    {
        let bundle = dir.join(name);
        std::fs::create_dir_all(&bundle).expect("a folder for the bundle");
        let mut manifest = serde_json::json!({
            "schema_version": 1, "title": format!("{TITLE}: {name}"), "author": "e2e",
            "created_at": "2026-01-01T00:00:00Z", "source_ref": source, "hypothesis": "h", "description": "d",
            "method": {"path": "method.rhai", "language": "rhai"}, "files": [],
        });
        if let Some(p) = parent_ref {
            manifest["parent"] = p.into();
        }
        std::fs::write(bundle.join("submission.json"), manifest.to_string())
            .expect("the manifest is written");
        std::fs::write(bundle.join("method.rhai"), method).expect("the method is written");
        paths.push(bundle.to_string_lossy().into_owned());
    }
    press(client, "i").await;
    let field =
        client.find(Locator::Css("[data-testid=import-paths]")).await.expect("i opens the import dialog");
    field.send_keys("\u{E009}a\u{E000}\u{E003}").await.expect("the paths can be deleted");
    // One path a line; WebDriver types a line break as the Enter key (U+E007).
    field.send_keys(&paths.join("\u{E007}")).await.expect("the dialog takes two paths");
    click(client, "[data-testid=import-run]").await;
    let report = wait_for("the import of the two big bundles", STEP, async || {
        let report = text(client, "[data-testid=import-report]").await;
        report.or(text(client, "[data-testid=error-banner]").await)
    })
    .await;
    assert!(report.contains("2 new"), "both big bundles should be imported: {report:?}");
    press(client, "\u{E00C}").await;

    let filter =
        client.find(Locator::Css("[data-testid=queue-filter]")).await.expect("the queue has a filter box");
    press(client, "/").await;
    filter.send_keys("big-child").await.expect("the filter box takes text");
    wait_for("the filter to leave the big child", STEP, async || {
        (texts(client, "[data-testid=queue-row] .row-title").await.len() == 1).then_some(())
    })
    .await;
    press(client, "\u{E00C}").await;
    let opened = std::time::Instant::now();
    click(client, "[data-testid=queue-row]").await;
    press(client, "3").await;
    let rows = wait_for("the 10,000-line diff to show its first hunk", STEP, async || {
        let hunks = texts(client, "[data-testid=diff-hunk]").await;
        hunks.iter().any(|h| h.contains("compute_fast")).then_some(hunks.len())
    })
    .await;
    let open_ms = opened.elapsed().as_millis();

    // One frame after jumping to the end: what the list mounts there, and how long the frame took.
    let jump = "const done = arguments[arguments.length - 1];
                const view = document.querySelector('[data-testid=diff-view]');
                const start = performance.now();
                view.scrollTop = view.scrollHeight;
                requestAnimationFrame(() => requestAnimationFrame(() => done([
                    performance.now() - start,
                    document.querySelectorAll('[data-testid=diff-view] .dl').length,
                    view.scrollHeight,
                ])));";
    let at_end = client.execute_async(jump, vec![]).await.expect("the diff scrolls");
    let mounted = at_end[1].as_u64().unwrap_or_default();
    let switched = std::time::Instant::now();
    press(client, "m").await;
    wait_for("m to lay the big diff out side by side", STEP, async || {
        client.find(Locator::Css("[data-testid=diff-view] .dl.pair")).await.ok()
    })
    .await;
    let switch_ms = switched.elapsed().as_millis();
    press(client, "m").await;
    println!(
        "10,000-line diff: first hunk on screen {open_ms} ms after opening ({rows} hunk blocks mounted); \
         jump to the end {:.0} ms to the second frame, {mounted} rows mounted there (scroll height {} px); \
         side by side on screen {switch_ms} ms after m",
        at_end[0].as_f64().unwrap_or_default(),
        at_end[2]
    );
    assert!(mounted > 0 && mounted < 1_000, "only the rows on screen are mounted, not {mounted} of 14,000");
    // Leave the queue as it was: filter emptied, focus on the queue.
    press(client, "/").await;
    filter.send_keys("\u{E009}a\u{E000}\u{E003}").await.expect("the filter box can be emptied");
    press(client, "\u{E00C}").await;
}

async fn cheat_sheet_opens_and_closes(client: &Client) {
    press(client, "?").await;
    wait_for("? to open the cheat sheet", STEP, async || text(client, "[data-testid=cheat-sheet]").await)
        .await;
    press(client, "\u{E00C}").await;
    wait_for("Escape to close the cheat sheet", STEP, async || {
        client.find(Locator::Css("[data-testid=cheat-sheet]")).await.is_err().then_some(())
    })
    .await;
}

/// A refused import shows its error in a banner (never swallowed); a repeated one stores nothing.
async fn import_reports_errors_and_results(client: &Client) {
    press(client, "i").await;
    let paths =
        client.find(Locator::Css("[data-testid=import-paths]")).await.expect("i opens the import dialog");
    paths.send_keys("/nonexistent/bundle").await.expect("the import dialog takes a path");
    click(client, "[data-testid=import-run]").await;
    let banner = wait_for("an error banner for the refused import", STEP, async || {
        text(client, "[data-testid=error-banner]").await
    })
    .await;
    assert!(
        banner.contains("Importing failed") && banner.contains("/nonexistent/bundle"),
        "the banner should say what failed and name the path, says {banner:?}"
    );

    if touring() {
        let png = screenshot(client).await;
        write_png(&repo_root().join("tests/e2e/artifacts"), "tour-error.png", &png);
    }

    // Importing a demo bundle again goes through the whole import path and changes nothing.
    let bundle = repo_root().join("demo/bundles/vanilla-soft-labels");
    paths.send_keys("\u{E009}a\u{E000}\u{E003}").await.expect("the path can be deleted");
    paths.send_keys(&bundle.to_string_lossy()).await.expect("the dialog takes another path");
    click(client, "[data-testid=import-run]").await;
    let report =
        wait_for("the import report", STEP, async || text(client, "[data-testid=import-report]").await).await;
    assert!(
        report.contains("0 new") && report.contains("1 already present"),
        "re-importing a demo bundle should store nothing new, the report says {report:?}"
    );
    press(client, "\u{E00C}").await;
    click(client, "[data-testid=error-banner] button").await;

    let banner = text(client, "[data-testid=error-banner]").await;
    assert!(
        banner.is_none(),
        "dismissed errors should go and no other command should fail, the banner says {banner:?}"
    );
    bundles_dropped_on_the_window_open_the_import(client, &bundle).await;
}

/// Files dragged over the window show the drop target; dropped, their paths fill the import
/// dialog, which imports them as typed ones. WebDriver cannot drag from the desktop, so the test
/// sends the events Tauri sends for an OS drop (`tauri://drag-enter`, `tauri://drag-drop`).
async fn bundles_dropped_on_the_window_open_the_import(client: &Client, bundle: &Path) {
    let emit = async |event: &str, paths: &[&str]| {
        let script = "const [event, paths] = arguments; \
                      return window.__TAURI_INTERNALS__.invoke('plugin:event|emit', \
                        { event, payload: { paths, position: { x: 200, y: 200 } } }).then(() => true);";
        client
            .execute(script, vec![event.into(), serde_json::json!(paths)])
            .await
            .expect("the event is sent");
    };
    let path = bundle.to_str().expect("a UTF-8 path");
    emit("tauri://drag-enter", &[path]).await;
    wait_for("the drop target while files are dragged over", STEP, async || {
        client.find(Locator::Css("[data-testid=drop-target]")).await.ok().map(|_| ())
    })
    .await;
    emit("tauri://drag-drop", &[path]).await;
    let field = wait_for("the drop to open the import dialog with the path", STEP, async || {
        let field = client.find(Locator::Css("[data-testid=import-paths]")).await.ok()?;
        (field.prop("value").await.ok()??.trim() == path).then_some(field)
    })
    .await;
    assert!(
        client.find(Locator::Css("[data-testid=drop-target]")).await.is_err(),
        "the target goes on the drop"
    );
    click(client, "[data-testid=import-run]").await;
    let report =
        wait_for("the import report", STEP, async || text(client, "[data-testid=import-report]").await).await;
    assert!(report.contains("1 already present"), "the dropped bundle was imported: {report:?}");
    drop(field);
    press(client, "\u{E00C}").await;
    wait_for("Escape to close the import dialog", STEP, async || {
        client.find(Locator::Css("[data-testid=import-dialog]")).await.is_err().then_some(())
    })
    .await;
}

/// A reviewer re-runs the negative control from the Runs view: the run is stored, and the window
/// shows the PGR the store holds (read back through the CLI), which is about 0 for this family.
async fn rerun_from_the_runs_view(client: &Client, db: &Path) {
    click(client, "[data-testid=nav-runs]").await;
    let task = wait_for("the Runs view to list the task packs", STEP, async || {
        let select =
            client.find(Locator::Css("[data-testid=runs-view] [data-testid=run-task]")).await.ok()?;
        select.is_enabled().await.ok()?.then_some(select)
    })
    .await;
    task.select_by_value("digits-copyable").await.expect("the bundled negative control is offered");
    let seeds = client.find(Locator::Css("[data-testid=run-seeds]")).await.expect("a seeds field");
    seeds.clear().await.expect("the seeds field can be emptied");
    seeds.send_keys("2").await.expect("the seeds field takes a number");
    client
        .find(Locator::Css("[data-testid=run-device]"))
        .await
        .expect("a device choice")
        .select_by_value("cpu")
        .await
        .expect("cpu is a device choice");
    click(client, "[data-testid=run-start]").await;

    let rows = wait_for("the finished run in the runs table", STARTUP, async || {
        let rows = texts(client, "[data-testid=run-row]").await;
        (!rows.is_empty()).then_some(rows)
    })
    .await;
    assert_eq!(rows.len(), 1, "one run was started, the table shows {rows:?}");
    // The raw number sits in `data-value`; the text is formatted (a typographic minus, 3 digits).
    let shown = wait_for("the run's PGR in the detail", STEP, async || {
        let pgr =
            client.find(Locator::Css("[data-testid=run-detail] [data-testid=run-detail-pgr]")).await.ok()?;
        pgr.attr("data-value").await.ok()?.filter(|v| !v.is_empty())
    })
    .await;

    let stored = std::process::Command::new(cli_binary())
        .arg("--db")
        .arg(db)
        .args(["runs", "--json"])
        .output()
        .expect("the CLI runs");
    assert!(stored.status.success(), "aar-review runs failed: {}", String::from_utf8_lossy(&stored.stderr));
    let runs: serde_json::Value = serde_json::from_slice(&stored.stdout).expect("runs --json is JSON");
    let runs = runs.as_array().expect("a list of runs");
    assert_eq!(runs.len(), 1, "exactly the one run is stored: {runs:?}");
    assert_eq!(runs[0]["task"], "digits-copyable");
    assert_eq!(runs[0]["seeds"], serde_json::json!([42, 43]));
    let pgr = runs[0]["pgr"].as_f64().expect("the control's PGR is defined");
    assert_eq!(shown.parse::<f64>().ok(), Some(pgr), "the window shows the stored PGR, not {shown:?}");
    assert!(pgr.abs() < 0.1, "a student that can copy its teacher recovers nothing, PGR {pgr}");

    if touring() {
        let png = screenshot(client).await;
        write_png(&repo_root().join("tests/e2e/artifacts"), "tour-runs.png", &png);
    }
}

/// A reviewer re-runs a submission's own method from its page, by keyboard where the app has keys
/// (r, /, Escape, j, o, R, Enter): the run is stored linked to the submission, and the page shows
/// the reproduced PGR next to the claimed one, as the store holds it (read back through the CLI).
async fn rerun_a_submission_from_its_page(client: &Client, db: &Path) {
    // Leave any field of the Runs view, then go back to the review screen.
    press(client, "\u{E00C}r").await;
    wait_for("r to go back to the review screen", STEP, async || {
        client.find(Locator::Css("[data-testid=runs-view]")).await.is_err().then_some(())
    })
    .await;
    press(client, "/").await;
    wait_for("/ to focus the queue filter", STEP, async || {
        let focused =
            client.execute("return document.activeElement?.dataset?.testid ?? null;", vec![]).await.ok()?;
        (focused.as_str() == Some("queue-filter")).then_some(())
    })
    .await;
    let filter =
        client.find(Locator::Css("[data-testid=queue-filter]")).await.expect("the queue has a filter box");
    filter.send_keys("Vanilla baseline").await.expect("the filter box takes text");
    wait_for("the filter to leave exactly the vanilla baseline", STEP, async || {
        let rows = texts(client, "[data-testid=queue-row] .row-title").await;
        (rows == [VANILLA]).then_some(())
    })
    .await;
    // Leave the box (Escape), select the one row left (j) and open it (o).
    press(client, "\u{E00C}").await;
    wait_for("Escape to leave the filter box", STEP, async || {
        let focused =
            client.execute("return document.activeElement?.dataset?.testid ?? null;", vec![]).await.ok()?;
        (focused.as_str() != Some("queue-filter")).then_some(())
    })
    .await;
    press(client, "jo").await;
    wait_for("the detail to show the vanilla baseline", STEP, async || {
        (text(client, "[data-testid=detail-title]").await? == VANILLA).then_some(())
    })
    .await;
    let short_id = text(client, "[data-testid=copy-id]").await.expect("the detail shows the submission's id");

    // R (Shift+r) opens the re-run dialog, defaulting to the first claimed pack (latent-5k).
    press(client, "R").await;
    let task = wait_for("R to open the re-run dialog with the packs loaded", STEP, async || {
        let select = client.find(Locator::Css("[data-testid=rerun-task]")).await.ok()?;
        select.is_enabled().await.ok()?.then_some(select)
    })
    .await;
    let default_task = task.prop("value").await.ok().flatten();
    assert_eq!(
        default_task.as_deref(),
        Some("latent-5k"),
        "the dialog should start on the first claimed pack"
    );
    client
        .find(Locator::Css("[data-testid=rerun-device]"))
        .await
        .expect("a device choice")
        .select_by_value("cpu")
        .await
        .expect("cpu is a device choice");
    let seeds = client.find(Locator::Css("[data-testid=rerun-seeds]")).await.expect("a seeds field");
    seeds.clear().await.expect("the seeds field can be emptied");
    // Enter in a field starts the run, as in any form.
    seeds.send_keys("1\u{E007}").await.expect("the seeds field takes a number and Enter");
    wait_for("the dialog to close once the re-run starts", STEP, async || {
        client.find(Locator::Css("[data-testid=rerun-dialog]")).await.is_err().then_some(())
    })
    .await;

    let (run_id, reproduced, claimed) =
        wait_for("the re-run listed on the submission's page", RERUN, async || {
            if let Some(failed) = text(client, "[data-testid=run-failed]").await {
                panic!("the re-run failed: {failed}");
            }
            let row = client.find(Locator::Css("[data-testid=rerun-row]")).await.ok()?;
            let id = row.attr("data-id").await.ok()??;
            let cell = |css: &'static str| {
                let row = row.clone();
                async move { row.find(Locator::Css(css)).await.ok()?.attr("data-value").await.ok()? }
            };
            Some((
                id,
                cell("[data-testid=rerun-reproduced]").await?,
                cell("[data-testid=rerun-claimed]").await?,
            ))
        })
        .await;
    let claim = demo_claim("vanilla-soft-labels", "latent-5k");
    assert_eq!(
        claimed.parse::<f64>().ok(),
        Some(claim),
        "next to it, the claimed latent-5k PGR, not {claimed:?}"
    );
    let row = text(client, "[data-testid=rerun-row]").await.unwrap_or_default();
    assert!(
        row.contains("latent-5k") && row.contains(&format!("{claim:.3}")),
        "the row shows task and claim, shows {row:?}"
    );

    let stored = std::process::Command::new(cli_binary())
        .arg("--db")
        .arg(db)
        .args(["runs", "--json"])
        .output()
        .expect("the CLI runs");
    assert!(stored.status.success(), "aar-review runs failed: {}", String::from_utf8_lossy(&stored.stderr));
    let runs: serde_json::Value = serde_json::from_slice(&stored.stdout).expect("runs --json is JSON");
    let run = runs
        .as_array()
        .expect("a list of runs")
        .iter()
        .find(|r| r["id"] == run_id.as_str())
        .unwrap_or_else(|| panic!("the run {run_id} shown on the page is stored: {runs}"));
    let submission = run["submissionId"].as_str().expect("the run is linked to its submission");
    assert!(submission.starts_with(short_id.trim()), "linked to {submission}, not to the page's {short_id}");
    assert_eq!(run["task"], "latent-5k");
    assert_eq!(run["seeds"], serde_json::json!([42]));
    assert_eq!(run["method"], VANILLA, "the submission's own method ran, by its title");
    let pgr = run["pgr"].as_f64().expect("a defined PGR on latent-5k");
    assert_eq!(
        reproduced.parse::<f64>().ok(),
        Some(pgr),
        "the page shows the stored PGR, not {reproduced:?}"
    );
    let in_claims = text(client, "[data-testid=claim-reproduced]").await.unwrap_or_default();
    assert_ne!(in_claims.trim(), "—", "the claims table shows the reproduced PGR next to the claim");

    // Clear the filter (the whole queue back, the vanilla baseline still open) for the picture.
    press(client, "/").await;
    filter.send_keys("\u{E009}a\u{E000}\u{E003}").await.expect("the filter box can be emptied");
    press(client, "\u{E00C}").await;
    wait_for("the whole queue to come back", STEP, async || {
        (texts(client, "[data-testid=queue-row]").await.len() >= 10).then_some(())
    })
    .await;
    let png = screenshot(client).await;
    let root = repo_root();
    write_png(&root.join("tests/e2e/artifacts"), "rerun.png", &png);
    if std::env::var_os("AAR_E2E_SCREENSHOT_TO_DOCS").is_some_and(|v| v == "1") {
        write_png(&root.join("docs"), "rerun.png", &png);
    }
}

/// The PGR a demo bundle claims on `task`, as `demo/tools/regenerate_claims.py` wrote it.
fn demo_claim(bundle: &str, task: &str) -> f64 {
    let path = repo_root().join("demo/bundles").join(bundle).join("submission.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the demo bundle is in the repository"))
            .expect("the manifest is JSON");
    let claim = manifest["claims"].as_array().and_then(|c| c.iter().find(|c| c["task"] == task));
    claim.and_then(|c| c["pgr"].as_f64()).unwrap_or_else(|| panic!("{bundle} claims {task}"))
}

/// V (Shift+v) on the vanilla baseline's page: a quick verification on the CPU runs in the
/// background, and its report (the suggested vote and all nine checks) appears under the claims.
async fn verify_a_submission_from_its_page(client: &Client) {
    press(client, "V").await;
    wait_for("V to open the verify dialog with the packs loaded", STEP, async || {
        let select = client.find(Locator::Css("[data-testid=verify-task]")).await.ok()?;
        select.is_enabled().await.ok()?.then_some(())
    })
    .await;
    client
        .find(Locator::Css("[data-testid=verify-device]"))
        .await
        .expect("a device choice")
        .select_by_value("cpu")
        .await
        .expect("cpu is a device choice");
    click(client, "[data-testid=verify-quick]").await;
    let started = std::time::Instant::now();
    click(client, "[data-testid=verify-start]").await;
    let vote = wait_for("the verification report on the page", RERUN, async || {
        text(client, "[data-testid=verification-vote]").await
    })
    .await;
    // For BENCHMARKS.md ("Verification"): the same work as `aar-review verify --quick`.
    println!("verification from its page, quick, cpu: {:.1} s", started.elapsed().as_secs_f64());
    assert!(vote.contains("Verified") || vote.contains("human"), "the report leads with the vote: {vote:?}");
    let rows = texts(client, "[data-testid=check-row]").await;
    assert_eq!(rows.len(), 9, "one row per check: {rows:?}");

    let png = screenshot(client).await;
    let root = repo_root();
    write_png(&root.join("tests/e2e/artifacts"), "verification.png", &png);
    if std::env::var_os("AAR_E2E_SCREENSHOT_TO_DOCS").is_some_and(|v| v == "1") {
        write_png(&root.join("docs"), "verification.png", &png);
    }
}

/// Space selects the vanilla baseline in the queue and a click on its checkbox logconf v2; V then
/// verifies the two as a batch, quick, on the smallest pack, and the table shows both with their
/// p-values raw and corrected across the batch; the queue's badges follow.
async fn verify_a_selection_as_a_batch(client: &Client) {
    // Put the keyboard on the vanilla baseline's row in the queue (u), and select it (Space).
    on_queue_row(client, VANILLA, "row.click()").await;
    press(client, "u ").await;
    let marked = wait_for("Space to select the queue's row", STEP, async || {
        text(client, "[data-testid=queue-marks-count]").await.filter(|t| t.starts_with("1 selected"))?;
        text(client, "[data-testid=queue-row].marked .row-title").await
    })
    .await;
    assert_eq!(marked, VANILLA, "Space selects the row the keyboard is on");
    on_queue_row(client, LOGCONF_V2, "row.querySelector('[data-testid=queue-mark]').click()").await;
    wait_for("the checkbox to add logconf v2 to the selection", STEP, async || {
        text(client, "[data-testid=queue-marks-count]").await.filter(|t| t.starts_with("2 selected"))
    })
    .await;

    press(client, "V").await;
    let task = wait_for("V to open the batch sheet with the packs loaded", STEP, async || {
        let select =
            client.find(Locator::Css("[data-testid=batch-dialog] [data-testid=verify-task]")).await.ok()?;
        select.is_enabled().await.ok()?.then_some(select)
    })
    .await;
    let mut members = texts(client, "[data-testid=batch-members] li").await;
    members.sort();
    let mut selected = [VANILLA, LOGCONF_V2];
    selected.sort();
    assert_eq!(members, selected, "the sheet lists the selection");
    task.select_by_value("digits").await.expect("digits, the smallest pack, is offered");
    client
        .find(Locator::Css("[data-testid=batch-dialog] [data-testid=verify-device]"))
        .await
        .expect("a device choice")
        .select_by_value("cpu")
        .await
        .expect("cpu is a device choice");
    click(client, "[data-testid=batch-dialog] [data-testid=verify-quick]").await;
    click(client, "[data-testid=batch-dialog] [data-testid=verify-start]").await;
    let position = wait_for("the batch to say which submission runs", STEP, async || {
        text(client, "[data-testid=batch-position]").await.filter(|t| t.contains(" of 2"))
    })
    .await;
    assert!(position.starts_with("Submission"), "the sheet says where the batch is: {position:?}");

    let rows = wait_for("the batch table", RERUN, async || {
        let rows = texts(client, "[data-testid=batch-row]").await;
        (rows.len() == 2).then_some(rows)
    })
    .await;
    for title in [VANILLA, LOGCONF_V2] {
        assert!(rows.iter().any(|r| r.contains(title)), "a row for {title}: {rows:?}");
    }
    let values = |css: &'static str| async move {
        let script =
            "return Array.from(document.querySelectorAll(arguments[0]), e => Number(e.dataset.value));";
        let values = client.execute(script, vec![css.into()]).await.expect("the page runs a script");
        serde_json::from_value::<Vec<f64>>(values).expect("numbers")
    };
    let (p, holm) = (values("[data-testid=batch-p]").await, values("[data-testid=batch-p-holm]").await);
    assert_eq!((p.len(), holm.len()), (2, 2), "every row has its p-values: {p:?} {holm:?}");
    for (p, holm) in p.iter().zip(&holm) {
        assert!((0.0..=1.0).contains(p) && holm >= p, "Holm never lowers a p-value: {p} → {holm}");
    }
    let note = text(client, "[data-testid=batch-note]").await.unwrap_or_default();
    assert!(note.contains("looks better than it is"), "one sentence says why: {note:?}");
    let badge = on_queue_row(
        client,
        LOGCONF_V2,
        "return row.querySelector('[data-testid=queue-verification]').dataset.vote",
    )
    .await;
    assert!(badge.as_str().is_some_and(|v| !v.is_empty()), "the queue shows logconf v2 verified: {badge}");

    let png = screenshot(client).await;
    write_png(&repo_root().join("tests/e2e/artifacts"), "batch.png", &png);
    press(client, "\u{E00C}").await;
    wait_for("Escape to close the batch sheet", STEP, async || {
        client.find(Locator::Css("[data-testid=batch-dialog]")).await.is_err().then_some(())
    })
    .await;
}

/// Runs `action` (JavaScript, with `row` bound) on the queue's row titled `title`.
async fn on_queue_row(client: &Client, title: &str, action: &str) -> serde_json::Value {
    let script = format!(
        "const row = Array.from(document.querySelectorAll('[data-testid=queue-row]'))
             .find(r => r.querySelector('.row-title')?.innerText === arguments[0]);
         if (!row) throw new Error('no queue row titled ' + arguments[0]);
         {action};"
    );
    client.execute(&script, vec![title.into()]).await.unwrap_or_else(|e| panic!("{title} in the queue: {e}"))
}

fn touring() -> bool {
    std::env::var_os("AAR_E2E_TOUR").is_some_and(|v| v == "1")
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} should be on screen: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("{css} should be clickable: {e}"));
}

/// Screenshots of every tab in both themes, for looking at the design.
async fn tour(client: &Client) {
    let dir = repo_root().join("tests/e2e/artifacts");
    // A fresh profile under Xvfb starts in the light theme; `t` switches to dark and back.
    for theme in ["light", "dark"] {
        for (key, name) in [("1", "overview"), ("2", "code"), ("3", "diff"), ("4", "forum")] {
            press(client, key).await;
            tokio::time::sleep(Duration::from_millis(600)).await;
            let png = screenshot(client).await;
            write_png(&dir, &format!("tour-{theme}-{name}.png"), &png);
        }
        press(client, "t").await;
    }
    // A submission whose claims raise red flags, and a read-only Python one.
    for (css, name) in [(".pgr.flagged", "flagged"), (".lang-python", "python")] {
        click(client, &format!("[data-testid=queue-row]:has({css})")).await;
        press(client, "1").await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let png = screenshot(client).await;
        write_png(&dir, &format!("tour-{name}.png"), &png);
    }
    for (key, name) in [("?", "cheat-sheet"), ("i", "import")] {
        press(client, key).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = screenshot(client).await;
        write_png(&dir, &format!("tour-{name}.png"), &png);
        press(client, "\u{E00C}").await;
    }
}
