//! The viewer pages in a real browser: `gradviz steps` (the player) and
//! `gradviz render -o x.html` (one diagram).
//!
//! Runs gradviz, opens the page from disk in headless Chromium (driven
//! through chromedriver's WebDriver HTTP API) and checks that it works as a
//! user meets it: it opens with the root's (or the current step's) text
//! readable (≥ 11 px) and in view; zoom (buttons, wheel), pan (a drag) and
//! "fit"; hovering a value shows its numbers; search finds a label; the
//! keyboard reaches the values; in steps, the counter, exactly one visible
//! frame, `#next`, `#prev`, the arrow keys, the slider and `#play`, with the
//! current value kept in view. Every page loads nothing over the network
//! and logs no errors; screenshots are real, non-blank PNGs, saved under
//! `target/browser/` (CI keeps them; set `GRADVIZ_SCREENSHOT=FILE` to keep
//! a copy of the steps one elsewhere).
//!
//! Chromium and chromedriver are not Rust dependencies: when
//! `/usr/bin/chromium` or `/usr/bin/chromedriver` is missing (override the
//! paths with `GRADVIZ_CHROMIUM` / `GRADVIZ_CHROMEDRIVER`) the test says so
//! on stderr and passes, unless `GRADVIZ_REQUIRE_TOOLS=1` makes that a
//! failure. On Debian: `apt-get install chromium chromium-driver`.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

/// The key of a web element reference in WebDriver responses.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a state change on the page may take to show.
const UI_TIMEOUT: Duration = Duration::from_secs(5);
/// How long chromedriver may take to start listening.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
/// The fixture's number of frames: start, five chain-rule steps, done.
const FRAMES: usize = 7;

/// The browser and driver binaries, or `None` (after saying so) when the
/// test should be skipped.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let path = |var: &str, default: &str| {
        PathBuf::from(std::env::var_os(var).unwrap_or_else(|| default.into()))
    };
    let chromium = path("GRADVIZ_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = path("GRADVIZ_CHROMEDRIVER", "/usr/bin/chromedriver");
    let missing: Vec<String> = [&chromium, &chromedriver]
        .into_iter()
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return Some((chromium, chromedriver));
    }
    if std::env::var("GRADVIZ_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!(
            "GRADVIZ_REQUIRE_TOOLS=1 but not found: {}",
            missing.join(", ")
        );
    }
    // Straight to stderr: the test harness captures `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED browser test: chromium/chromedriver not installed \
         (set GRADVIZ_REQUIRE_TOOLS=1 to require it)\n  missing: {}",
        missing.join(", ")
    );
    None
}

/// A free local TCP port (free when this returns; chromedriver takes it
/// right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a local port")
        .port()
}

/// Calls `probe` until it returns `Ok`, for at most `timeout`; panics with
/// `what` and the last `Err` (the last state seen) otherwise.
fn wait_for<T>(what: &str, timeout: Duration, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    loop {
        match probe() {
            Ok(t) => return t,
            Err(last) if start.elapsed() >= timeout => {
                panic!("timed out after {timeout:?} waiting for {what}; last seen: {last}")
            }
            Err(_) => sleep(Duration::from_millis(25)),
        }
    }
}

/// A chromedriver process and (once created) its browser session. Dropping
/// it ends the session, shuts chromedriver down and kills it if needed, so
/// nothing outlives a failed assertion.
struct Driver {
    child: Child,
    agent: ureq::Agent,
    base: String,
    session: Option<String>,
    /// The browser profile; removed after the browser is gone.
    _profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver, waits until it is ready and opens a headless
    /// Chromium session.
    fn start(chromium: &Path, chromedriver: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        let mut driver = Driver {
            child,
            agent,
            base: format!("http://127.0.0.1:{port}"),
            session: None,
            _profile: tempfile::tempdir().expect("profile dir"),
        };

        wait_for("chromedriver to be ready", STARTUP_TIMEOUT, || {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited early: {status}");
            }
            match driver.call("GET", "/status", None) {
                Ok((200, v)) if v["value"]["ready"] == true => Ok(()),
                Ok((code, v)) => Err(format!("HTTP {code}: {v}")),
                Err(e) => Err(e.to_string()),
            }
        });

        let profile = format!("--user-data-dir={}", driver._profile.path().display());
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--window-size=1280,900", profile,
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let created = driver.send("POST", "/session", Some(&caps));
        let id = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no sessionId in {created}"));
        driver.session = Some(id.to_owned());
        driver
    }

    /// One raw WebDriver call: HTTP status and JSON body.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            ("POST", b) => self.agent.post(&url).send_json(b.unwrap_or(&json!({}))),
            _ => unreachable!("method {method}"),
        };
        let mut response = response.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let json = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_json::<Value>()
            .map_err(|e| e.to_string())?;
        Ok((status, json))
    }

    /// A WebDriver call that must succeed; its `value`.
    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        match self.call(method, path, body) {
            Ok((200, mut v)) => v["value"].take(),
            Ok((code, v)) => panic!(
                "{method} {path}: HTTP {code}: {}: {}",
                v["value"]["error"], v["value"]["message"]
            ),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    /// `send` under the session.
    fn session_send(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let id = self.session.as_deref().expect("a session");
        self.send(method, &format!("/session/{id}{path}"), body)
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    fn exec(&self, script: &str, args: Value) -> Value {
        let body = json!({ "script": script, "args": args });
        self.session_send("POST", "/execute/sync", Some(&body))
    }

    fn goto(&self, url: &str) {
        self.session_send("POST", "/url", Some(&json!({ "url": url })));
    }

    fn click(&self, css: &str) {
        let query = json!({ "using": "css selector", "value": css });
        let found = self.session_send("POST", "/element", Some(&query));
        let element = found[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {found}"));
        self.session_send("POST", &format!("/element/{element}/click"), None);
    }

    /// Presses and releases one key (a WebDriver key code) on the page.
    fn press(&self, key: char) {
        let key = key.to_string();
        let actions = json!({ "actions": [{
            "type": "key",
            "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }],
        }]});
        self.session_send("POST", "/actions", Some(&actions));
    }

    /// Moves the slider to `index` the way a drag would: set the value, fire
    /// `input`.
    fn slide_to(&self, index: usize) {
        self.exec(
            "const s = document.getElementById('slider');
             s.value = String(arguments[0]);
             s.dispatchEvent(new Event('input', { bubbles: true }));",
            json!([index]),
        );
    }

    /// A web element reference for `css`.
    fn element(&self, css: &str) -> String {
        let query = json!({ "using": "css selector", "value": css });
        let found = self.session_send("POST", "/element", Some(&query));
        found[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {found}"))
            .to_owned()
    }

    /// Types `text` into the element `css`.
    fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css);
        let body = json!({ "text": text });
        self.session_send("POST", &format!("/element/{element}/value"), Some(&body));
    }

    /// Runs pointer (mouse) actions: a list of WebDriver pointer actions.
    fn mouse(&self, actions: Value) {
        let body = json!({ "actions": [{
            "type": "pointer",
            "id": "mouse",
            "parameters": { "pointerType": "mouse" },
            "actions": actions,
        }]});
        self.session_send("POST", "/actions", Some(&body));
        self.session_send("DELETE", "/actions", None);
    }

    /// The viewer's camera: `[x, y, scale]`.
    fn camera(&self) -> [f64; 3] {
        let v = self.exec(
            "const c = window.gradviz.camera; return [c.x, c.y, c.s];",
            json!([]),
        );
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("camera {v}: {e}"))
    }

    /// Where the value `id` (`n4`) is drawn in the frame shown: the height of
    /// its first text in px, and whether its box lies inside the view.
    fn node_on_screen(&self, id: &str) -> NodeOnScreen {
        let v = self.exec(
            "const figure = Array.from(document.querySelectorAll('figure.frame'))
               .find(f => !f.hasAttribute('hidden'));
             const g = Array.from(figure.querySelectorAll('g.node'))
               .find(g => g.querySelector('title').textContent === arguments[0]);
             const text = g.querySelector('text').getBoundingClientRect();
             const box = g.getBoundingClientRect();
             const view = document.getElementById('gv-view').getBoundingClientRect();
             return {
               text_px: text.height,
               inside: box.left >= view.left && box.right <= view.right
                 && box.top >= view.top && box.bottom <= view.bottom,
             };",
            json!([id]),
        );
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("node {id}: {v}: {e}"))
    }

    /// Saves a screenshot as `target/browser/NAME.png` and checks it is a
    /// real, non-blank picture; returns its size.
    fn screenshot(&self, name: &str) -> (u32, u32) {
        let b64 = self.session_send("GET", "/screenshot", None);
        let bytes = base64_decode(b64.as_str().expect("screenshot is a base64 string"));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
        std::fs::create_dir_all(&dir).expect("target/browser");
        std::fs::write(dir.join(format!("{name}.png")), &bytes).expect("write screenshot");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().expect("screenshot is a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut pixels).expect("screenshot decodes");
        let pixel = info.color_type.samples() * (info.bit_depth as usize).div_ceil(8);
        let pixels = &pixels[..info.buffer_size()];
        let first = &pixels[..pixel];
        assert!(
            pixels.chunks_exact(pixel).any(|p| p != first),
            "{name}: the screenshot is a single colour"
        );
        (info.width, info.height)
    }

    /// Fails on errors in the browser console.
    fn expect_clean_log(&self) {
        match self.browser_log() {
            Some(log) => {
                let severe: Vec<&Value> = log.iter().filter(|e| e["level"] == "SEVERE").collect();
                assert!(
                    severe.is_empty(),
                    "errors in the browser console: {severe:#?}"
                );
            }
            None => println!("browser log: not available from this chromedriver"),
        }
    }

    /// Fails if the page loaded anything.
    fn expect_no_resources(&self) {
        let resources = self.exec(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            json!([]),
        );
        assert_eq!(resources, json!([]), "the page loaded resources");
    }

    /// The page as the test sees it.
    fn state(&self) -> State {
        let v = self.exec(
            "const figures = Array.from(document.querySelectorAll('figure.frame'));
             const unhidden = figures.filter(f => !f.hasAttribute('hidden'));
             const svg = unhidden.length === 1 ? unhidden[0].querySelector('svg') : null;
             const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
             return {
               counter: document.getElementById('counter').textContent,
               slider: document.getElementById('slider').value,
               play: document.getElementById('play').textContent,
               frames: figures.length,
               unhidden: unhidden.map(f => Number(f.dataset.index)),
               rendered: figures.filter(f => f.getClientRects().length > 0)
                                .map(f => Number(f.dataset.index)),
               caption: unhidden.length === 1
                 ? unhidden[0].querySelector('figcaption').textContent : '',
               svg_width: box.width,
               svg_height: box.height,
             };",
            json!([]),
        );
        serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("page state {v}: {e}"))
    }

    /// Waits until frame `index` (0-based) is the one shown, with the
    /// counter, slider, visibility and drawing to match.
    fn expect_frame(&self, index: usize, what: &str) -> State {
        wait_for(what, UI_TIMEOUT, || {
            let s = self.state();
            let ok = s.counter == format!("{} / {FRAMES}", index + 1)
                && s.slider == index.to_string()
                && s.frames == FRAMES
                && s.unhidden == [index]
                && s.rendered == [index]
                && s.svg_width > 10.0
                && s.svg_height > 10.0;
            if ok { Ok(s) } else { Err(format!("{s:?}")) }
        })
    }

    /// The browser console so far; `None` if this chromedriver has no log
    /// endpoint.
    fn browser_log(&self) -> Option<Vec<Value>> {
        let id = self.session.as_deref()?;
        let body = json!({ "type": "browser" });
        match self.call("POST", &format!("/session/{id}/se/log"), Some(&body)) {
            Ok((200, mut v)) => v["value"].take().as_array().cloned(),
            _ => None,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Ends the browser; then asks chromedriver to exit, and makes sure.
        if let Some(id) = self.session.take() {
            let _ = self.call("DELETE", &format!("/session/{id}"), None);
        }
        let _ = self.call("GET", "/shutdown", None);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a value is drawn (`Driver::node_on_screen`).
#[derive(Debug, Deserialize)]
struct NodeOnScreen {
    text_px: f64,
    inside: bool,
}

/// What `Driver::state` reads from the page.
#[derive(Debug, Deserialize)]
struct State {
    counter: String,
    slider: String,
    play: String,
    frames: usize,
    unhidden: Vec<usize>,
    rendered: Vec<usize>,
    caption: String,
    svg_width: f64,
    svg_height: f64,
}

/// Standard base64 (the screenshot encoding), padding optional.
fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
    {
        let sextet = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: byte {c:#04x}"),
        };
        acc = ((acc << 6) | u32::from(sextet)) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Every `http://` or `https://` in `html` that is not an XML namespace
/// under `http://www.w3.org/`.
fn remote_urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for scheme in ["http://", "https://"] {
        for (at, _) in html.match_indices(scheme) {
            let rest = &html[at..];
            if !rest.starts_with("http://www.w3.org/") {
                found.push(rest.chars().take(60).collect());
            }
        }
    }
    found
}

#[test]
fn steps_page_plays_in_headless_chromium() {
    let Some((chromium, chromedriver)) = tools() else {
        return;
    };
    let started = Instant::now();

    let out = tempfile::tempdir().expect("output dir");
    let run = Command::new(env!("CARGO_BIN_EXE_gradviz"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("steps")
        .arg("fixtures/lecture_neuron.py")
        .arg("-o")
        .arg(out.path())
        .output()
        .expect("gradviz runs");
    assert!(
        run.status.success(),
        "gradviz steps failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let index = out.path().join("index.html");
    let html = std::fs::read_to_string(&index).expect("index.html is written");
    let remote = remote_urls(&html);
    assert!(
        remote.is_empty(),
        "index.html refers to the network: {remote:#?}"
    );

    let driver = Driver::start(&chromium, &chromedriver);
    driver.goto(&format!("file://{}", index.display()));

    let s = driver.expect_frame(0, "the first frame on load");
    assert!(s.caption.starts_with("start"), "caption {:?}", s.caption);
    assert_eq!(s.play, "▶ play");

    let root = driver.exec(
        "return JSON.parse(document.getElementById('gv-data').textContent).root;",
        json!([]),
    );
    let on = driver.node_on_screen(root.as_str().unwrap());
    assert!(
        on.inside && on.text_px >= 11.0,
        "the root on opening: {on:?}"
    );

    driver.click("#next");
    let s = driver.expect_frame(1, "#next to show frame 2");
    assert!(
        s.caption.starts_with("chain rule at tanh → o"),
        "caption {:?}",
        s.caption
    );
    assert!(
        !s.caption.contains('`'),
        "a plain-text caption: {:?}",
        s.caption
    );
    let camera = driver.camera();

    driver.press('\u{E014}'); // ArrowRight
    let s = driver.expect_frame(2, "→ to show frame 3");
    assert!(
        s.caption.starts_with("chain rule at + → n"),
        "caption {:?}",
        s.caption
    );
    assert!(
        s.caption
            .contains("b.grad += ∂n/∂b × n.grad = 1.0000 × 0.5000 = 0.5000"),
        "the chain rule at work: {:?}",
        s.caption
    );
    // The frames are drawn alike: a step keeps the view where it was when
    // the current value is in it.
    assert_eq!(driver.camera(), camera, "the view holds still");
    // Every step keeps its current value in view, however far it moved.
    for k in 2..FRAMES - 1 {
        driver.slide_to(k);
        driver.expect_frame(k, "the slider to show a step");
        let focus = driver.exec(
            "return document.querySelectorAll('figure.frame')[arguments[0]].dataset.focus;",
            json!([k]),
        );
        let on = driver.node_on_screen(focus.as_str().expect("a step's current value"));
        assert!(on.inside && on.text_px >= 11.0, "frame {k}: {on:?}");
    }
    driver.slide_to(2);
    driver.expect_frame(2, "the slider back to frame 3");

    driver.click("#prev");
    driver.expect_frame(1, "#prev to show frame 2 again");

    driver.slide_to(FRAMES - 1);
    let s = driver.expect_frame(FRAMES - 1, "the slider to show the last frame");
    assert_eq!(s.counter, "7 / 7");
    assert!(s.caption.starts_with("done"), "caption {:?}", s.caption);

    driver.press('\u{E014}'); // ArrowRight at the end stays there
    driver.expect_frame(FRAMES - 1, "→ on the last frame to stay there");

    // Play from the second-to-last frame: it advances, then stops by itself.
    driver.slide_to(FRAMES - 2);
    driver.expect_frame(FRAMES - 2, "the slider to show frame 6");
    driver.click("#play");
    assert_eq!(driver.state().play, "⏸ pause");
    driver.expect_frame(FRAMES - 1, "play to advance to the last frame");
    wait_for("play to stop at the end", UI_TIMEOUT, || {
        let s = driver.state();
        if s.play == "▶ play" {
            Ok(())
        } else {
            Err(format!("{s:?}"))
        }
    });

    driver.expect_no_resources();
    let (width, height) = driver.screenshot("steps");
    assert!(
        width >= 400 && height >= 300,
        "screenshot is {width}x{height}"
    );
    if let Some(keep) = std::env::var_os("GRADVIZ_SCREENSHOT") {
        let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser/steps.png");
        std::fs::copy(&shot, keep).expect("copy screenshot to GRADVIZ_SCREENSHOT");
    }
    driver.expect_clean_log();
    drop(driver);
    println!(
        "browser test: {}x{} screenshot, {:.1} s",
        width,
        height,
        started.elapsed().as_secs_f64()
    );
}

/// `gradviz render -o graph.html` for the README example (backward) and the
/// lecture MLP's forward graph: the page opens readable on the root, zooms,
/// pans and fits, shows a value's numbers on hover, finds a label, reaches
/// values by keyboard, and loads nothing.
#[test]
fn render_viewer_works_in_headless_chromium() {
    let Some((chromium, chromedriver)) = tools() else {
        return;
    };
    let out = tempfile::tempdir().expect("output dir");
    let driver = Driver::start(&chromium, &chromedriver);
    for (fixture, extra, search) in [
        ("micrograd_readme.py", &[][..], "f"),
        ("lecture_mlp.py", &["--view", "forward"][..], "out"),
    ] {
        let page = out.path().join(fixture.replace(".py", ".html"));
        let run = Command::new(env!("CARGO_BIN_EXE_gradviz"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["render", &format!("fixtures/{fixture}"), "-o"])
            .arg(&page)
            .args(extra)
            .output()
            .expect("gradviz runs");
        assert!(
            run.status.success(),
            "gradviz render failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let html = std::fs::read_to_string(&page).expect("the page is written");
        assert!(
            remote_urls(&html).is_empty(),
            "{fixture}: refers to the network"
        );
        driver.goto(&format!("file://{}", page.display()));
        let root = driver
            .exec(
                "return JSON.parse(document.getElementById('gv-data').textContent).root;",
                json!([]),
            )
            .as_str()
            .expect("the root's id")
            .to_owned();
        let on = driver.node_on_screen(&root);
        assert!(
            on.inside && on.text_px >= 11.0,
            "{fixture}: the root on opening: {on:?}"
        );
        driver.screenshot(&fixture.replace(".py", "-viewer"));
        let opened = driver.camera();

        // "fit" shows the whole graph; zoom in with the button and the wheel.
        driver.click("#gv-fit");
        let fit = driver.camera();
        driver.click("#gv-in");
        let zoomed = driver.camera();
        assert!(
            (zoomed[2] / fit[2] - 1.25).abs() < 1e-9,
            "{fixture}: + zooms by 1.25: {fit:?} -> {zoomed:?}"
        );
        driver.exec(
            "const v = document.getElementById('gv-view').getBoundingClientRect();
             document.getElementById('gv-view').dispatchEvent(new WheelEvent('wheel', {
               deltaY: -300, clientX: v.left + 100, clientY: v.top + 100,
               bubbles: true, cancelable: true }));",
            json!([]),
        );
        let wheeled = driver.camera();
        assert!(wheeled[2] > zoomed[2], "{fixture}: the wheel zooms in");

        // A drag pans: the view moves by the drag over the scale.
        driver.mouse(json!([
            { "type": "pointerMove", "origin": "viewport", "x": 640, "y": 500 },
            { "type": "pointerDown", "button": 0 },
            { "type": "pointerMove", "origin": "viewport", "x": 540, "y": 460, "duration": 100 },
            { "type": "pointerUp", "button": 0 },
        ]));
        let panned = driver.camera();
        assert!(
            (panned[0] - wheeled[0] - 100.0 / wheeled[2]).abs() < 1.0
                && (panned[1] - wheeled[1] - 40.0 / wheeled[2]).abs() < 1.0
                && panned[2] == wheeled[2],
            "{fixture}: a drag pans: {wheeled:?} -> {panned:?}"
        );
        driver.click("#gv-fit");
        assert_eq!(driver.camera(), fit, "{fixture}: fit restores the view");
        assert_ne!(opened, fit, "{fixture}: it opens zoomed to readable text");

        // Hovering the root shows its numbers.
        driver.exec(
            "window.gradviz.keepInView(arguments[0], true);",
            json!([root]),
        );
        let centre = driver.exec(
            "const g = Array.from(document.querySelectorAll('g.node'))
               .find(g => g.querySelector('title').textContent === arguments[0]);
             const r = g.querySelector('text').getBoundingClientRect();
             return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
            json!([root]),
        );
        driver.mouse(json!([
            { "type": "pointerMove", "origin": "viewport", "x": centre[0], "y": centre[1] },
        ]));
        let tip = wait_for("the tooltip", UI_TIMEOUT, || {
            let t = driver.exec(
                "const t = document.getElementById('gv-tip');
                 return t.hidden ? null : t.textContent;",
                json!([]),
            );
            t.as_str()
                .map(str::to_owned)
                .ok_or_else(|| "hidden".to_owned())
        });
        assert!(tip.contains("data "), "{fixture}: the tooltip: {tip}");
        if extra.is_empty() {
            assert!(
                tip.contains("grad 1.0000"),
                "{fixture}: the root's grad: {tip}"
            );
            assert!(tip.contains("∂g/∂"), "{fixture}: the chain rule: {tip}");
        }

        // Search finds a label and brings it into view, selected.
        driver.type_into("#gv-search", search);
        let found = wait_for("the search", UI_TIMEOUT, || {
            let f = driver.exec(
                "return document.getElementById('gv-found').textContent;",
                json!([]),
            );
            let f = f.as_str().unwrap_or_default().to_owned();
            if f.starts_with("1 of ") {
                Ok(f)
            } else {
                Err(f)
            }
        });
        assert!(
            found.ends_with(&format!(": {search}")),
            "{fixture}: {found}"
        );
        let selected = driver.exec(
            "const g = document.querySelector('g.node.gv-sel');
             return g ? g.querySelector('title').textContent : null;",
            json!([]),
        );
        let on = driver.node_on_screen(selected.as_str().expect("a selected value"));
        assert!(on.inside, "{fixture}: the found value is in view: {on:?}");

        // The keyboard reaches values: Tab-able, Enter selects, Esc clears.
        let focused = driver.exec(
            "const g = document.querySelector('g.node[tabindex=\"0\"]');
             g.focus();
             return document.activeElement === g;",
            json!([]),
        );
        assert_eq!(focused, json!(true), "{fixture}: a value takes the focus");
        driver.press('\u{E007}'); // Enter
        let said = driver.exec(
            "return document.getElementById('gv-selected').textContent;",
            json!([]),
        );
        assert!(
            said.as_str().is_some_and(|s| s.contains("feed")),
            "{fixture}: Enter selects: {said}"
        );
        driver.expect_no_resources();
        driver.expect_clean_log();
    }
}

/// The README and the worked lecture (`docs/lecture.md`) as pages 880 px
/// wide (GitHub's column): every picture they show, scaled to fit, has text
/// at least 9 px tall.
#[test]
fn readme_pictures_are_readable_at_page_width() {
    let Some((chromium, chromedriver)) = tools() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/browser");
    std::fs::create_dir_all(&dir).expect("target/browser");
    let driver = Driver::start(&chromium, &chromedriver);
    for (doc, folder) in [("README.md", ""), ("docs/lecture.md", "docs/")] {
        let markdown = std::fs::read_to_string(root.join(doc)).expect("the page");
        let mut body = String::new();
        pulldown_cmark::html::push_html(&mut body, pulldown_cmark::Parser::new(&markdown));
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><base href=\"file://{}/{folder}\">\
             <style>body {{ width: 880px; margin: 0 auto; font: 16px sans-serif; }} \
             img {{ max-width: 100%; }}</style></head><body>{body}</body></html>",
            root.display()
        );
        let name = doc.replace('/', "-").replace(".md", "");
        let file = dir.join(format!("{name}.html"));
        std::fs::write(&file, page).expect("write the page");

        // The smallest text of each picture, in SVG units, and its width in
        // those units.
        let mut pictures = Vec::new();
        for (at, _) in markdown.match_indices("](") {
            let rest = &markdown[at + 2..];
            let src = &rest[..rest.find(')').unwrap_or(0)];
            if !src.ends_with(".svg") || src.contains("://") {
                continue;
            }
            let svg = std::fs::read_to_string(root.join(folder).join(src)).expect("the picture");
            let smallest = svg
                .match_indices("font-size=\"")
                .map(|(i, m)| {
                    let v = &svg[i + m.len()..];
                    v[..v.find('"').unwrap()].parse::<f64>().unwrap()
                })
                .fold(f64::INFINITY, f64::min);
            let view_box = svg
                .split("viewBox=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .expect("a viewBox");
            let width: f64 = view_box.split_whitespace().nth(2).unwrap().parse().unwrap();
            pictures.push((src.to_owned(), smallest, width));
        }
        assert!(pictures.len() >= 3, "{doc}'s pictures: {pictures:?}");

        driver.goto(&format!("file://{}", file.display()));
        for (src, smallest, width) in &pictures {
            let shown = wait_for("the picture to load", UI_TIMEOUT, || {
                let v = driver.exec(
                    "const img = Array.from(document.images).find(i => i.getAttribute('src') === arguments[0]);
                     return img && img.complete && img.naturalWidth > 0 ? img.clientWidth : null;",
                    json!([src]),
                );
                v.as_f64().ok_or_else(|| format!("{src}: {v}"))
            });
            let px = smallest * shown / width;
            println!("{doc}: {src}: shown {shown} px wide, smallest text {px:.1} px");
            assert!(
                px >= 9.0,
                "{doc}: {src}: its smallest text is {px:.1} px at 880 px"
            );
        }
        driver.screenshot(&name);
    }
}
