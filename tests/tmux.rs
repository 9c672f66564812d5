//! The real binary in a real terminal: tmux runs an interactive shell, the shell runs
//! `xray-tui --demo`, keys go in with `send-keys` and the screen comes out with
//! `capture-pane`. After the app exits, the shell itself tells whether the terminal was
//! restored: the exit status, `stty` (canonical mode and echo back on), and tmux says
//! whether the alternate screen is off and the cursor visible again.
//!
//! Every test has its own tmux server (`tmux -L <name>`), killed when the test ends, pass or
//! fail. Waits poll the screen with a bounded timeout; there are no fixed sleeps.
//!
//! These tests need tmux. Without it they fail and say how to install it.

mod aws_server;

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_xray-tui");
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);
const SESSION: &str = "main";

const LIST_HEADER: &str = "Time▼    Status Method Response Duration";
/// The same header over traces of another year than this one: the times carry their dates.
const LIST_HEADER_WITH_YEARS: &str = "Time▼            Status Method Response Duration";
const LIST_HINTS: &str = "j/k move  Enter open  s sort  ? help  q quit";

/// The list's title once the demo has loaded: its traces counted from the data set itself.
fn list_title() -> String {
    format!(" Traces  demo  {} traces", common::demo().summaries.len())
}

/// Whether the help popup is on the screen: its title is `Keys  (… any key closes)`.
fn shows_help(screen: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains("╭ Keys  (") && l.contains("key closes)"))
}

/// A private tmux server with one 80x24 (or other size) window running an interactive bash.
struct Tmux {
    socket: String,
    /// The socket file, which tmux leaves behind when its server exits.
    socket_path: Option<String>,
}

impl Tmux {
    fn start(test: &str, width: u16, height: u16) -> Tmux {
        require_tmux();
        let mut tmux = Tmux {
            socket: format!("xray-tui-test-{}-{test}", std::process::id()),
            socket_path: None,
        };
        // A clean interactive shell: no rc files, a known prompt, no history file.
        let shell =
            "env -u PROMPT_COMMAND PS1='$ ' HISTFILE=/dev/null TZ=UTC bash --norc --noprofile";
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            shell,
        ]);
        tmux.socket_path = Some(tmux.display("#{socket_path}"));
        assert_eq!(
            tmux.display("#{pane_width}x#{pane_height}"),
            format!("{width}x{height}"),
            "the pane has the size asked for"
        );
        tmux.wait_for("the shell prompt", |screen| last_line(screen) == "$");
        tmux
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        // -u: UTF-8 whatever the locale; -f /dev/null: no user configuration.
        command
            .args(["-u", "-L", &self.socket, "-f", "/dev/null"])
            .env_remove("TMUX")
            .env_remove("TMUX_PANE");
        command
    }

    fn run(&self, args: &[&str]) -> String {
        let output = self
            .command()
            .args(args)
            .output()
            .unwrap_or_else(|error| panic!("cannot run tmux {args:?}: {error}"));
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A tmux format evaluated for the pane, e.g. `#{alternate_on}`.
    fn display(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", SESSION, format])
            .trim_end()
            .to_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", SESSION])
    }

    /// The screen with its colours and attributes as escape sequences.
    fn screen_with_colours(&self) -> String {
        self.run(&["capture-pane", "-p", "-e", "-t", SESSION])
    }

    /// Keys by tmux name: `j`, `Enter`, `Escape`, `C-c`, `?`.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", SESSION];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types a line into the shell and presses Enter.
    fn type_line(&self, line: &str) {
        self.run(&["send-keys", "-t", SESSION, "-l", line]);
        self.keys(&["Enter"]);
    }

    fn resize(&self, width: u16, height: u16) {
        self.run(&[
            "resize-window",
            "-t",
            SESSION,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// Polls the screen until `ok` holds on two captures in a row that are the same (so that
    /// a frame caught half drawn does not count); panics with the last screen after
    /// [`TIMEOUT`].
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut previous = None;
        loop {
            let screen = self.screen();
            if ok(&screen) && previous.as_ref() == Some(&screen) {
                return screen;
            }
            previous = Some(screen.clone());
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what}; the screen was:\n{}",
                    framed(&screen)
                );
            }
            sleep(POLL);
        }
    }

    /// Waits until the screen has not changed for `quiet`; returns it.
    fn wait_until_still(&self, quiet: Duration) -> String {
        let start = Instant::now();
        let mut screen = self.screen();
        let mut since = Instant::now();
        while since.elapsed() < quiet {
            assert!(
                start.elapsed() < TIMEOUT,
                "the screen kept changing:\n{}",
                framed(&screen)
            );
            sleep(POLL);
            let now = self.screen();
            if now != screen {
                screen = now;
                since = Instant::now();
            }
        }
        screen
    }

    /// Starts `xray-tui --demo` from the shell and waits for the loaded trace list.
    fn start_demo(&self) -> String {
        self.type_line(&format!("{} --demo", shell_quote(BIN)));
        let screen = self.wait_for("the trace list", |screen| {
            first_line(screen).starts_with(&list_title())
        });
        assert_eq!(
            self.display("#{alternate_on}"),
            "1",
            "on the alternate screen"
        );
        assert_eq!(
            self.display("#{mouse_any_flag}"),
            "1",
            "the app asked for mouse events"
        );
        screen
    }

    /// After the app has exited: the prompt is back, the exit status is `exit`, the alternate
    /// screen is off, the cursor is visible, and the tty is in canonical mode with echo.
    fn expect_restored_shell(&self, exit: Option<i32>) {
        self.wait_for("the shell prompt after the app exits", |screen| {
            last_line(screen) == "$"
        });
        assert_eq!(
            self.display("#{alternate_on}"),
            "0",
            "the app left the alternate screen"
        );
        assert_eq!(
            self.display("#{cursor_flag}"),
            "1",
            "the app showed the cursor again"
        );
        assert_eq!(
            self.display("#{mouse_any_flag}"),
            "0",
            "the app gave the mouse back to the terminal"
        );
        // The first command after the app, so that $? is the app's status.
        self.type_line("echo EXIT=$?");
        let screen = self.wait_for("the exit status", |screen| {
            screen
                .lines()
                .any(|l| l.starts_with("EXIT=") && l.len() > 5)
        });
        let status = screen
            .lines()
            .find_map(|l| l.strip_prefix("EXIT="))
            .filter(|s| !s.is_empty())
            .unwrap()
            .trim()
            .to_owned();
        if let Some(exit) = exit {
            assert_eq!(
                status,
                exit.to_string(),
                "exit status; the screen:\n{screen}"
            );
        }
        // `stty -a` lists every flag; keep the two that matter, on one line.
        self.type_line(concat!(
            "echo \"STTY: $(stty -a | tr -s ' ;' '\\n\\n'",
            " | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' ')\""
        ));
        let screen = self.wait_for("the stty flags", |screen| {
            screen.lines().any(|l| l.starts_with("STTY: "))
        });
        let flags: Vec<&str> = screen
            .lines()
            .find_map(|l| l.strip_prefix("STTY: "))
            .unwrap()
            .split_whitespace()
            .collect();
        assert!(
            flags.contains(&"icanon") && flags.contains(&"echo"),
            "the terminal is back in canonical mode with echo (stty: {flags:?}):\n{}",
            framed(&screen)
        );
        assert!(
            !flags.contains(&"-icanon") && !flags.contains(&"-echo"),
            "stty says {flags:?}"
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Kills the shell and the app with it; runs on panic too.
        let _ = self.command().arg("kill-server").output();
        if let Some(path) = &self.socket_path {
            let _ = fs::remove_file(path);
        }
    }
}

fn require_tmux() {
    match Command::new("tmux").arg("-V").output() {
        Ok(Output { status, .. }) if status.success() => {}
        _ => panic!(
            "tmux is not installed, and these tests drive the real binary in it: \
             install tmux (e.g. `apt-get install -y tmux`) and run them again"
        ),
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn first_line(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

fn last_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim_end()
}

fn framed(screen: &str) -> String {
    let lines: Vec<String> = screen.lines().map(|l| format!("|{l}")).collect();
    lines.join("\n")
}

/// The rows of the trace list: between the column header and the status bar.
fn list_rows(screen: &str) -> Vec<&str> {
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains(LIST_HEADER) || l.contains(LIST_HEADER_WITH_YEARS))
        .unwrap_or_else(|| panic!("no column header in:\n{}", framed(screen)));
    let status = lines
        .iter()
        .rposition(|l| l.contains(LIST_HINTS))
        .unwrap_or_else(|| panic!("no status bar in:\n{}", framed(screen)));
    lines[header + 1..status].to_vec()
}

/// Whole X-Ray trace ids (`1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx`) among the words of a line.
fn trace_ids(line: &str) -> Vec<&str> {
    line.split_whitespace()
        .filter(|word| {
            let parts: Vec<&str> = word.split('-').collect();
            parts.len() == 3
                && parts[0] == "1"
                && parts[1].len() == 8
                && parts[2].len() == 24
                && parts[1..]
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .collect()
}

/// The PID of the shell's one child process (the app), read from /proc.
fn child_of(parent: u32) -> u32 {
    let start = Instant::now();
    loop {
        let children: Vec<u32> = fs::read_dir("/proc")
            .expect("/proc")
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                    // pid (comm) state ppid ...; comm may hold spaces and parentheses.
                    stat.rsplit_once(')')
                        .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok())
                        == Some(parent)
                })
            })
            .collect();
        if let [child] = children[..] {
            return child;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "the shell {parent} should have one child, the app; it has {children:?}"
        );
        sleep(POLL);
    }
}

#[test]
fn demo_opens_a_trace_goes_back_and_quits_restoring_the_terminal() {
    let tmux = Tmux::start("open", 80, 24);

    // (a) The list of the demo data set.
    let list = tmux.start_demo();
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 24, "a full screen:\n{}", framed(&list));
    assert!(
        lines[1].starts_with(LIST_HEADER),
        "column header:\n{}",
        framed(&list)
    );
    assert!(
        lines[23].contains(LIST_HINTS),
        "key hints in the status bar:\n{}",
        framed(&list)
    );
    let rows = list_rows(&list);
    assert!(
        rows.len() >= 20,
        "the list fills the screen:\n{}",
        framed(&list)
    );
    // At 80 columns the trace id column shows the end of the id: `…057c2d60a4`.
    let third = rows[2];
    let id_tail = third
        .split_whitespace()
        .filter_map(|word| word.strip_prefix('…'))
        .find(|tail| tail.len() >= 8 && tail.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no trace id in the third row: {third:?}"));
    let url = third
        .split_whitespace()
        .last()
        .unwrap()
        .trim_end_matches('…');

    // (b) j j Enter opens the third trace's waterfall.
    tmux.keys(&["j", "j", "Enter"]);
    let waterfall = tmux.wait_for("the waterfall", |screen| {
        first_line(screen).starts_with(" Trace ")
            && screen
                .lines()
                .any(|l| l.contains("Span") && l.contains("Duration"))
    });
    assert!(
        first_line(&waterfall).contains(url),
        "the waterfall's title names the third row's URL {url:?}:\n{}",
        framed(&waterfall)
    );
    // The title ends with the trace id, which does not fit in 80 columns: widen the window.
    tmux.resize(220, 24);
    let wide = tmux.wait_for("the trace id in the waterfall's title", |screen| {
        first_line(screen).starts_with(" Trace ") && trace_ids(first_line(screen)).len() == 1
    });
    let id = trace_ids(first_line(&wide))[0].to_owned();
    assert!(
        id.ends_with(id_tail),
        "the waterfall shows {id}, the third row was …{id_tail}"
    );

    // (c) Esc goes back to the list, where the third row is that trace (whole ids now).
    tmux.keys(&["Escape"]);
    let list = tmux.wait_for("the trace list again", |screen| {
        first_line(screen).starts_with(&list_title())
            && screen.lines().any(|l| l.starts_with(LIST_HEADER))
    });
    let rows = list_rows(&list);
    assert_eq!(
        trace_ids(rows[2]),
        [id.as_str()],
        "the third row is the trace that was open:\n{}",
        framed(&list)
    );
    tmux.resize(80, 24);
    tmux.wait_for("the list at 80 columns", |screen| {
        list_rows(screen)
            .get(2)
            .is_some_and(|row| row.contains(&format!("…{id_tail}")))
    });

    // (d) q quits, and the terminal is as it was.
    tmux.keys(&["q"]);
    tmux.expect_restored_shell(Some(0));
}

/// Sends `signal` to the app while it shows a waterfall; the app must put the terminal back
/// before it goes.
fn signal_restores_the_terminal(signal: &str) {
    let tmux = Tmux::start(&format!("sig{signal}"), 80, 24);
    tmux.start_demo();
    tmux.keys(&["j", "Enter"]);
    tmux.wait_for("the waterfall", |screen| {
        first_line(screen).starts_with(" Trace ")
    });

    // The app is the one child of the pane's shell (pkill -f would be too broad).
    let shell: u32 = tmux.display("#{pane_pid}").parse().expect("pane pid");
    let app = child_of(shell);
    // The kernel keeps the first 15 bytes of the program's name.
    let program: String = Path::new(BIN)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .chars()
        .take(15)
        .collect();
    let name = fs::read_to_string(format!("/proc/{app}/comm")).unwrap_or_default();
    assert_eq!(name.trim_end(), program, "the shell's child is the app");
    let killed = Command::new("sh")
        .args([
            "-c",
            "kill -s \"$1\" \"$2\"",
            "sh",
            signal,
            &app.to_string(),
        ])
        .status()
        .expect("sh");
    assert!(killed.success(), "kill -s {signal} {app}");

    // Any exit status: what matters is that the app, not the shell, cleaned up.
    tmux.expect_restored_shell(None);
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("TERM");
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("HUP");
}

#[test]
fn help_lists_the_bindings_and_any_key_closes_it() {
    let tmux = Tmux::start("help", 80, 24);
    let list = tmux.start_demo();

    tmux.keys(&["?"]);
    let help = tmux.wait_for("the help popup", shows_help);
    for description in [
        "open the selected trace's waterfall",
        "reverse the sort order",
        "sort by the next column",
        "show or hide this help",
        "quit",
    ] {
        assert!(
            help.contains(description),
            "the help at 80x24 shows {description:?}:\n{}",
            framed(&help)
        );
    }
    // The status bar below says how the popup is moved and closed.
    assert!(
        last_line(&help).contains("j/k scroll  Esc close  Q quit"),
        "{}",
        framed(&help)
    );

    // Any key closes it and does nothing else: Esc (bound in the waterfall only), s (sorts
    // the list when the help is closed) and i (bound nowhere). The list is then exactly as
    // it was.
    for key in ["Escape", "s", "i"] {
        if key != "Escape" {
            tmux.keys(&["?"]);
            tmux.wait_for("the help popup", shows_help);
        }
        tmux.keys(&[key]);
        let after = tmux.wait_for(&format!("{key} to close the help"), |screen| {
            !shows_help(screen)
        });
        assert_eq!(after, list, "{key} closed the help and did nothing else");
    }

    tmux.keys(&["C-c"]);
    tmux.expect_restored_shell(Some(0));
}

#[test]
fn incident_trace_root_cause_and_its_exception() {
    let tmux = Tmux::start("incident", 120, 40);
    tmux.start_demo();
    // Narrow the list to the incident with the filter bar, as a user would.
    tmux.keys(&["f"]);
    tmux.wait_for("the filter bar", |screen| {
        last_line(screen).starts_with(" filter:")
    });
    tmux.run(&[
        "send-keys",
        "-t",
        SESSION,
        "-l",
        "service(\"payments\") { fault }",
    ]);
    tmux.keys(&["Enter"]);
    let list = tmux.wait_for("the filtered list", |screen| {
        first_line(screen).contains("filter service(\"payments\") { fault }")
    });
    let rows: Vec<&str> = list_rows(&list)
        .into_iter()
        .filter(|r| !r.trim().is_empty())
        .collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r.contains("✖ 502")),
        "only the incident's faults:\n{}",
        framed(&list)
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("the waterfall", |screen| {
        first_line(screen).starts_with(" Trace ")
    });
    tmux.keys(&["r"]);
    let screen = tmux.wait_for("the root cause's exception", |screen| {
        screen.contains("Read timed out")
    });
    assert!(
        screen.contains("root cause of the fault"),
        "{}",
        framed(&screen)
    );
    assert!(
        screen.contains("requests.exceptions.ReadTimeout"),
        "{}",
        framed(&screen)
    );
    assert!(
        screen.contains("Remote             yes"),
        "{}",
        framed(&screen)
    );
    // The selected span is the call to the payment provider.
    let selected = tmux.run(&["capture-pane", "-p", "-e", "-t", SESSION]);
    let marked = selected
        .lines()
        .find(|l| sgr_colours(l).iter().any(|c| c.starts_with("bg")))
        .unwrap_or_default();
    assert!(
        marked.contains("✖ ⇢ api.paymentprovid"),
        "selected row: {marked:?}"
    );
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    let tmux = Tmux::start("suspend", 80, 24);
    tmux.start_demo();
    tmux.keys(&["j", "j"]);
    tmux.keys(&["C-z"]);
    let stopped = tmux.wait_for("the shell after Ctrl-Z", |screen| {
        last_line(screen) == "$" && screen.contains("Stopped")
    });
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "the terminal is the shell's again:\n{}",
        framed(&stopped)
    );
    tmux.type_line("stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon");
    tmux.wait_for("stty's answer", |screen| {
        screen.lines().any(|l| l.trim() == "icanon")
    });
    tmux.type_line("fg");
    let back = tmux.wait_for("the list again", |screen| {
        first_line(screen).starts_with(&list_title())
    });
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    assert!(
        back.contains(LIST_HEADER),
        "redrawn whole:\n{}",
        framed(&back)
    );
    // Keys still work after the resume.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the waterfall", |screen| {
        first_line(screen).starts_with(" Trace ")
    });
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));
}

/// One daemon datagram: a completed segment of its own trace.
fn datagram(trace: usize) -> Vec<u8> {
    format!(
        "{{\"format\":\"json\",\"version\":1}}\n{{\"trace_id\":\"1-6b000000-{trace:024x}\",\
         \"id\":\"{trace:016x}\",\"name\":\"flood-{trace}\",\"start_time\":1795317600.{trace:06},\
         \"end_time\":1795317601.5,\"http\":{{\"request\":{{\"method\":\"GET\",\"url\":\"https://api.example.com/items/{trace}\"}},\
         \"response\":{{\"status\":200}}}}}}"
    )
    .into_bytes()
}

#[test]
fn listening_through_a_flood_keeps_the_screen_responsive() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmux = Tmux::start("listen", 100, 30);
    tmux.type_line(&format!(
        "{} --listen 127.0.0.1:{port} --max-traces 3000",
        shell_quote(BIN)
    ));
    let title = format!(" Traces  udp 127.0.0.1:{port}  0 traces");
    tmux.wait_for("the empty live list", |screen| {
        first_line(screen).starts_with(&title)
            && screen.contains(&format!("Waiting for traces on udp 127.0.0.1:{port}."))
            && screen.contains(&format!("AWS_XRAY_DAEMON_ADDRESS=127.0.0.1:{port}"))
            && last_line(screen).ends_with("0 documents received")
    });

    // 20,000 datagrams from one sender as fast as it goes, while keys are pressed.
    let flood = std::thread::spawn(move || {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let started = Instant::now();
        for trace in 0..20_000 {
            socket
                .send_to(&datagram(trace), ("127.0.0.1", port))
                .unwrap();
            if started.elapsed() > Duration::from_secs(20) {
                break;
            }
        }
    });
    tmux.keys(&["?"]);
    tmux.wait_for("the help, while datagrams pour in", shows_help);
    tmux.keys(&["Escape"]);
    flood.join().unwrap();

    tmux.wait_for("the list at its cap of 3000 traces", |screen| {
        first_line(screen).contains("3000 traces  ● live") && !screen.contains("╭ Keys")
    });
    let screen = tmux.wait_until_still(Duration::from_millis(600));
    let status = last_line(&screen).to_owned();
    let documents: u64 = status
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap();
    assert!(documents > 0, "{status}");
    assert!(
        documents == 20_000 || status.contains(" lost"),
        "what was not received is counted: {status}"
    );
    assert!(status.contains("evicted"), "over --max-traces: {status}");
    assert!(
        first_line(&screen).contains("3000 traces"),
        "no more than --max-traces are kept:\n{}",
        framed(&screen)
    );
    // Newest first: the last trace received is at the top.
    assert!(
        list_rows(&screen)[0].contains("/items/"),
        "{}",
        framed(&screen)
    );

    tmux.keys(&["P"]);
    tmux.wait_for("the paused marker", |screen| {
        first_line(screen).contains("❚❚ paused · 0 new (P resumes)")
    });
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .send_to(&datagram(30_000), ("127.0.0.1", port))
        .unwrap();
    tmux.wait_for(
        "a trace counted while paused, the list unchanged",
        |screen| {
            first_line(screen).contains("❚❚ paused · 1 new") && !screen.contains("flood-30000")
        },
    );
    tmux.keys(&["P"]);
    tmux.wait_for("the new trace shown on resume", |screen| {
        first_line(screen).contains("● live") && list_rows(screen)[0].contains("/items/30000")
    });
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));
}

/// A fresh completed segment, as an SDK sends it now.
fn fresh_datagram(trace: usize) -> Vec<u8> {
    let now = chrono::Utc::now().timestamp() as f64;
    format!(
        "{{\"format\":\"json\",\"version\":1}}\n{{\"trace_id\":\"1-{:08x}-{trace:024x}\",\
         \"id\":\"{trace:016x}\",\"name\":\"fwd-{trace}\",\"start_time\":{},\"end_time\":{}}}",
        now as u32 - 1,
        now - 1.0,
        now - 0.5
    )
    .into_bytes()
}

#[test]
fn forwarding_to_an_unreachable_x_ray_queues_and_says_why_while_the_screen_stays_live() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmux = Tmux::start("forward", 110, 30);
    tmux.type_line(&format!(
        "AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret {} --listen 127.0.0.1:{port} \
         --forward --no-telemetry --region us-east-1 --endpoint-url http://127.0.0.1:{closed}",
        shell_quote(BIN)
    ));
    let title = format!(" Traces  udp 127.0.0.1:{port} → X-Ray  0 traces");
    tmux.wait_for("the empty forwarding list", |screen| {
        first_line(screen).starts_with(&title) && last_line(screen).ends_with("0 received · 0 sent")
    });
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for trace in 0..200 {
        socket
            .send_to(&fresh_datagram(trace), ("127.0.0.1", port))
            .unwrap();
    }
    tmux.wait_for("the documents shown and queued for X-Ray", |screen| {
        first_line(screen).contains("200 traces")
            && last_line(screen).contains("200 received · 0 sent · 200 queued · could not reach")
    });
    tmux.keys(&["?"]);
    tmux.wait_for("the help, while forwarding waits", shows_help);
    tmux.keys(&["Escape"]);
    tmux.keys(&["!"]);
    tmux.wait_for("why forwarding waits", |screen| {
        screen.contains(
            "forwarding waits: could not reach X-Ray: Connection refused; documents stay queued",
        )
    });
    tmux.keys(&["!"]);
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));
    let screen = tmux.screen();
    assert!(
        screen.replace('\n', "").contains(
            "xray-tui: 200 documents were not forwarded to X-Ray before exit (could not reach \
             X-Ray: Connection refused)"
        ),
        "{}",
        framed(&screen)
    );
}

/// Escape sequences inside trace data (a name that sets the window title and clears the
/// screen, a URL that would write the clipboard) reach the terminal as visible symbols only.
#[test]
fn escape_sequences_in_data_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.json");
    let document = serde_json::json!({
        "trace_id": "1-6b000000-0000000000000000000000aa",
        "id": "00000000000000aa",
        "name": "evil\u{1b}]2;PWNED\u{7}\u{1b}[2J\u{1b}[31mred",
        "start_time": 1795317600.0,
        "end_time": 1795317601.0,
        "http": {
            "request": {"method": "GET", "url": "https://x.example/\u{1b}]52;c;aGk=\u{7}path"},
            "response": {"status": 200}
        },
        "subsegments": [{
            "id": "00000000000000ab",
            "name": "sub\u{9b}31mC1\u{202e}rtl",
            "start_time": 1795317600.1,
            "end_time": 1795317600.9
        }]
    });
    fs::write(&path, document.to_string()).unwrap();
    let tmux = Tmux::start("hostile", 100, 24);
    let title_before = tmux.display("#{pane_title}");
    tmux.type_line(&format!(
        "{} --file {} --no-clipboard",
        shell_quote(BIN),
        shell_quote(path.to_str().unwrap())
    ));
    let screen = tmux.wait_for("the hostile trace listed", |screen| {
        first_line(screen).contains("1 trace")
    });
    assert!(
        screen.contains("/␛]52;c;aGk=␇path"),
        "the URL's escape is shown, not obeyed:\n{}",
        framed(&screen)
    );
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the waterfall", |screen| screen.contains("sub"));
    assert!(
        screen.contains("evil␛]2;PWNED␇␛[2J␛[31mred"),
        "{}",
        framed(&screen)
    );
    assert!(
        screen.contains("sub�31mC1⟨U+202E⟩rtl"),
        "{}",
        framed(&screen)
    );
    assert_eq!(
        tmux.display("#{pane_title}"),
        title_before,
        "the name did not set the window title"
    );
    // The JSON tab (the last, before Overview) shows the document itself, escaped the same way.
    tmux.keys(&["["]);
    tmux.wait_for(
        "the raw JSON tab, escapes written as JSON escapes",
        |screen| screen.contains(r#""url": "https://x.example/\u001b]52;c;aGk=\u0007path""#),
    );
    tmux.keys(&["Q"]);
}

#[test]
fn live_aws_draws_at_once_and_fills_the_list_when_x_ray_answers() {
    // X-Ray takes 5 s to list the traces.
    let server = aws_server::Server::start();
    server.route("/TraceSummaries", |_| {
        aws_server::Reply::json(&aws_server::fixture(
            "awsdocs-devguide/GetTraceSummaries.scorekeep.response.json",
        ))
        .after(Duration::from_secs(5))
    });
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux::start("aws", 160, 30);
    // Only dummy keys and the loopback endpoint: nothing of the machine's AWS set-up.
    tmux.type_line(&format!(
        "env -i TERM=\"$TERM\" TZ=UTC HOME={home} AWS_ACCESS_KEY_ID=AKIDEXAMPLE \
         AWS_SECRET_ACCESS_KEY=secret AWS_CONFIG_FILE=/nonexistent/config \
         AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_EC2_METADATA_DISABLED=true \
         {bin} --endpoint-url {url} --region us-east-1",
        home = shell_quote(&home.path().display().to_string()),
        bin = shell_quote(BIN),
        url = server.url(),
    ));
    let started = Instant::now();

    // The first frame says what it waits for, long before X-Ray answers.
    let waiting = tmux.wait_for("the first frame", |screen| {
        first_line(screen).starts_with(" Traces  AWS us-east-1  0 traces · last 1h  loading…")
    });
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "drawn after {:?}",
        started.elapsed()
    );
    assert!(
        waiting.contains("Loading traces from AWS us-east-1…"),
        "{}",
        framed(&waiting)
    );

    // The keys work meanwhile: the help opens and closes.
    tmux.keys(&["?"]);
    tmux.wait_for("the help popup", shows_help);
    let pending = server.requests_to("/TraceSummaries");
    assert!(
        pending.len() == 1 && pending[0].answered.is_none(),
        "the help opened while the request was pending"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("the help to close", |screen| !shows_help(screen));

    // Then the list fills.
    let list = tmux.wait_for("the trace list", |screen| {
        first_line(screen).starts_with(" Traces  AWS us-east-1  2 traces")
    });
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "the list came with the answer"
    );
    let rows = list_rows(&list);
    let ids: Vec<&str> = rows.iter().flat_map(|row| trace_ids(row)).collect();
    assert_eq!(
        ids,
        [
            "1-59602606-a43a1ac52fc7ee0eea12a82c",
            "1-59602603-23fc5b688855d396af79b496"
        ],
        "newest first:\n{}",
        framed(&list)
    );

    tmux.keys(&["q"]);
    tmux.expect_restored_shell(Some(0));
}

/// Starts the demo with the environment and arguments given, and waits for the list.
fn start_demo_with(tmux: &Tmux, environment: &str, arguments: &str) -> String {
    tmux.type_line(&format!(
        "{environment} {} --demo {arguments}",
        shell_quote(BIN)
    ));
    tmux.wait_for("the trace list", |screen| {
        first_line(screen).starts_with(&list_title())
    })
}

#[test]
fn colours_follow_the_terminal_no_color_and_the_configuration() {
    let tmux = Tmux::start("colours", 80, 24);
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.toml");
    fs::write(&empty, "").unwrap();
    let config = format!("--config {}", shell_quote(&empty.to_string_lossy()));

    // True colour: the dark theme's RGB colours.
    start_demo_with(&tmux, "COLORTERM=truecolor TERM=xterm-256color", &config);
    let screen = tmux.screen_with_colours();
    assert!(screen.contains("38;2;"), "RGB colours:\n{screen}");
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));

    // 256 colours: indexed ones, no RGB.
    tmux.type_line("clear");
    start_demo_with(&tmux, "COLORTERM= TERM=xterm-256color", &config);
    let screen = tmux.screen_with_colours();
    assert!(screen.contains("38;5;"), "indexed colours:\n{screen}");
    assert!(!screen.contains("38;2;"), "no RGB colours:\n{screen}");
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));

    // NO_COLOR: no colour at all, the selection in reverse video.
    tmux.type_line("clear");
    start_demo_with(&tmux, "NO_COLOR=1 COLORTERM=truecolor", &config);
    let screen = tmux.screen_with_colours();
    let colours = sgr_colours(&screen);
    assert!(colours.is_empty(), "NO_COLOR, yet {colours:?}:\n{screen}");
    assert!(
        screen.contains("7m"),
        "reverse video for the selection:\n{screen}"
    );
    tmux.keys(&["Q"]);
    tmux.expect_restored_shell(Some(0));

    // mouse = false leaves the mouse to the terminal; the theme and keys come from the file.
    let quiet = dir.path().join("quiet.toml");
    fs::write(
        &quiet,
        "mouse = false\ntheme = \"ansi\"\n[keys]\nquit = \"ctrl-q\"\n",
    )
    .unwrap();
    tmux.type_line("clear");
    start_demo_with(
        &tmux,
        "",
        &format!("--config {}", shell_quote(&quiet.to_string_lossy())),
    );
    assert_eq!(
        tmux.display("#{mouse_any_flag}"),
        "0",
        "no mouse events asked for"
    );
    let screen = tmux.wait_for("the new quit key in the hints", |screen| {
        last_line(screen).contains("Ctrl-q quit")
    });
    assert!(!screen.contains("Q quit"), "{screen}");
    tmux.keys(&["C-q"]);
    tmux.expect_restored_shell(Some(0));
}

/// The colours set by the SGR sequences (`ESC [ … m`) in captured text, as `fg …` or `bg …`;
/// the terminal's default colours (39, 49) are not counted.
fn sgr_colours(text: &str) -> Vec<String> {
    let mut colours = Vec::new();
    for sequence in text.split('\u{1b}').filter_map(|s| s.strip_prefix('[')) {
        let Some((parameters, _)) = sequence.split_once('m') else {
            continue;
        };
        let numbers: Vec<u16> = parameters
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let mut i = 0;
        while i < numbers.len() {
            let n = numbers[i];
            let layer = if matches!(n, 30..=38 | 90..=97) {
                "fg"
            } else {
                "bg"
            };
            match n {
                38 | 48 => {
                    let width = if numbers.get(i + 1) == Some(&5) { 2 } else { 4 };
                    colours.push(format!(
                        "{layer} {:?}",
                        &numbers[i..(i + 1 + width).min(numbers.len())]
                    ));
                    i += width;
                }
                30..=37 | 40..=47 | 90..=97 | 100..=107 => colours.push(format!("{layer} {n}")),
                _ => {}
            }
            i += 1;
        }
    }
    colours
}
