//! The live `watch` view: every account with its current code and a countdown bar for its own
//! period, the next code in the last seconds, a filter and a selection (ratatui + crossterm).
//!
//! The state and the key handling are plain data ([`State::handle_key`]); drawing ([`draw`])
//! takes the time as an argument. Only [`run`] touches the terminal, and it always restores it.
//! HOTP accounts are listed without a code: showing one would spend their counter.

use std::io;
use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::account::Account;

/// Seconds before the end of a period from which the next code is shown too.
pub const NEXT_CODE_SECONDS: u64 = 5;

/// Width of the countdown bar, in cells.
const BAR_WIDTH: u64 = 20;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing beyond redrawing.
    None,
    /// Leave the view.
    Quit,
    /// Copy the code of this account (an index into the accounts given to [`State::new`]).
    Copy(usize),
}

/// The view's state: which accounts, the filter, the selection, a status line.
pub struct State<'a> {
    accounts: &'a [Account],
    filter: String,
    editing: bool,
    selected: usize,
    status: Option<String>,
}

impl<'a> State<'a> {
    /// A view of `accounts`, optionally filtered from the start.
    pub fn new(accounts: &'a [Account], filter: Option<&str>) -> Self {
        Self {
            accounts,
            filter: filter.unwrap_or("").to_owned(),
            editing: false,
            selected: 0,
            status: None,
        }
    }

    /// Indices of the accounts that match the filter (name, issuer or account, any case).
    pub fn visible(&self) -> Vec<usize> {
        let q = crate::account::fold_case(&self.filter);
        self.accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.matches(&q))
            .map(|(i, _)| i)
            .collect()
    }

    /// The selected account, if any is visible.
    pub fn selected(&self) -> Option<usize> {
        self.visible().get(self.selected).copied()
    }

    /// The filter text.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Whether keys are going into the filter.
    pub fn editing(&self) -> bool {
        self.editing
    }

    /// Sets the status line (e.g. "copied github; clears in 20 s").
    pub fn set_status(&mut self, text: impl Into<String>) {
        self.status = Some(text.into());
    }

    fn clamp(&mut self) {
        let n = self.visible().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    /// Applies one key press.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.kind != KeyEventKind::Press {
            return Action::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
            return Action::Quit;
        }
        let n = self.visible().len();
        match key.code {
            KeyCode::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            _ if self.editing => match key.code {
                KeyCode::Enter => self.editing = false,
                KeyCode::Esc => {
                    self.editing = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) if !ctrl => {
                    self.filter.push(c);
                    self.selected = 0;
                }
                _ => {}
            },
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Char('j') => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = n.saturating_sub(1),
            KeyCode::Char('/') => {
                self.editing = true;
                self.status = None;
            }
            KeyCode::Enter | KeyCode::Char('c') => {
                if let Some(i) = self.selected() {
                    return Action::Copy(i);
                }
            }
            _ => {}
        }
        self.clamp();
        Action::None
    }
}

/// The countdown bar for `remaining` of `period` seconds: full at the start of a period.
pub fn bar(remaining: u64, period: u64) -> String {
    let filled = (remaining * BAR_WIDTH)
        .div_ceil(period.max(1))
        .min(BAR_WIDTH);
    let mut s = String::new();
    s.extend(std::iter::repeat_n(
        '█',
        usize::try_from(filled).unwrap_or(0),
    ));
    s.extend(std::iter::repeat_n(
        '░',
        usize::try_from(BAR_WIDTH - filled).unwrap_or(0),
    ));
    s
}

/// Draws the view for unix time `now`; `colour` off gives plain text (`NO_COLOR`).
pub fn draw(frame: &mut Frame<'_>, state: &State<'_>, now: u64, colour: bool) {
    let paint = |c: Color| {
        if colour {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    };
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(frame.area());

    let visible = state.visible();
    let mut title = vec![
        Span::styled("authcli watch", Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            "  {} of {} accounts",
            visible.len(),
            state.accounts.len()
        )),
    ];
    if state.editing || !state.filter.is_empty() {
        title.push(Span::raw("  filter: /"));
        title.push(Span::styled(state.filter.clone(), paint(Color::Cyan)));
        if state.editing {
            title.push(Span::raw("_"));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(title)), top);

    let rows = visible
        .iter()
        .map(|&i| account_row(&state.accounts[i], now, &paint));
    let name_w = visible
        .iter()
        .map(|&i| state.accounts[i].name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 24);
    let widths = [
        Constraint::Length(u16::try_from(name_w).unwrap_or(24)),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(4),
        Constraint::Length(u16::try_from(BAR_WIDTH).unwrap_or(20)),
        Constraint::Length(16),
    ];
    let header = Row::new(["NAME", "ISSUER / ACCOUNT", "CODE", "LEFT", "", "NEXT"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(2)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("> ");
    let mut ts = TableState::default();
    ts.select((!visible.is_empty()).then_some(state.selected));
    frame.render_stateful_widget(table, body, &mut ts);

    let help = if state.editing {
        "type to filter · Enter keep · Esc clear"
    } else {
        "↑/↓ j/k select · Enter/c copy · / filter · q quit"
    };
    let mut lines = vec![Line::from(Span::styled(help, paint(Color::DarkGray)))];
    if let Some(s) = &state.status {
        lines.insert(0, Line::from(s.clone()));
    } else if visible.is_empty() {
        lines.insert(0, Line::from("no account matches the filter"));
    }
    frame.render_widget(Paragraph::new(lines), bottom);
}

/// One account's row: name, label, code, seconds left, bar, and the next code near the end.
fn account_row(a: &Account, now: u64, paint: &dyn Fn(Color) -> Style) -> Row<'static> {
    let label = if a.issuer.is_empty() && a.account.is_empty() {
        String::new()
    } else {
        a.display_label()
    };
    if !a.otp.kind().is_timed() {
        return Row::new(vec![
            Cell::from(a.name.clone()),
            Cell::from(label),
            Cell::from("HOTP").style(paint(Color::DarkGray)),
            Cell::from(""),
            Cell::from("counter-based").style(paint(Color::DarkGray)),
            Cell::from("use authcli code").style(paint(Color::DarkGray)),
        ]);
    }
    let period = u64::from(a.otp.period());
    let code = a.otp.code_at(now);
    let left = code.remaining;
    let urgency = if left <= NEXT_CODE_SECONDS {
        Color::Red
    } else if left <= 10 {
        Color::Yellow
    } else {
        Color::Green
    };
    let next = if left <= NEXT_CODE_SECONDS {
        format!("next {}", a.otp.code_at(now + period).as_str())
    } else {
        String::new()
    };
    Row::new(vec![
        Cell::from(a.name.clone()),
        Cell::from(label),
        Cell::from(code.as_str().to_owned())
            .style(paint(Color::LightCyan).add_modifier(Modifier::BOLD)),
        Cell::from(format!("{left:>3}s")),
        Cell::from(bar(left, period)).style(paint(urgency)),
        Cell::from(next).style(paint(Color::DarkGray)),
    ])
}

/// Runs the view until the user quits: redraws every second (on the second) and after each key.
///
/// `clock` is the time since the epoch; `copy` puts a code on the clipboard and returns the
/// seconds it stays there, or an error message for the status line.
pub fn run(
    accounts: &[Account],
    filter: Option<&str>,
    colour: bool,
    clock: &dyn Fn() -> Duration,
    copy: &mut dyn FnMut(&str) -> Result<u64, String>,
) -> io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore;
    let mut state = State::new(accounts, filter);
    loop {
        let now = clock();
        terminal.draw(|f| draw(f, &state, now.as_secs(), colour))?;
        let to_next_second = Duration::from_millis(1000 - u64::from(now.subsec_millis()));
        if !event::poll(to_next_second)? {
            continue;
        }
        let Event::Key(key) = event::read()? else {
            continue;
        };
        match state.handle_key(key) {
            Action::None => {}
            Action::Quit => return Ok(()),
            Action::Copy(i) => {
                let a = &accounts[i];
                if a.otp.kind().is_timed() {
                    let code = a.otp.code_at(clock().as_secs());
                    match copy(code.as_str()) {
                        Ok(secs) => state.set_status(format!(
                            "copied the code of {}; clears in {secs} s",
                            a.name
                        )),
                        Err(e) => state.set_status(e),
                    }
                } else {
                    state.set_status(format!(
                        "{} is counter-based (HOTP): use `authcli code {}`; watch never spends a counter",
                        a.name, a.name
                    ));
                }
            }
        }
    }
}

/// Leaves raw mode and the alternate screen however [`run`] ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Kind, Otp, Secret};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn acc(name: &str, issuer: &str, kind: Kind, period: u32) -> Account {
        let secret = Secret::parse_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        let otp = Otp::new(kind, secret, Algorithm::Sha1, 8, period, 0).unwrap();
        let mut a = Account::new(issuer, "me@example.com", otp);
        a.name = name.to_owned();
        a
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn accounts() -> Vec<Account> {
        vec![
            acc("github", "GitHub", Kind::Totp, 30),
            acc("gitlab", "GitLab", Kind::Totp, 60),
            acc("bank", "Bank", Kind::Totp, 15),
            acc("token", "Example", Kind::Hotp, 30),
        ]
    }

    #[test]
    fn keys_select_filter_copy_and_quit() {
        let accs = accounts();
        let mut s = State::new(&accs, None);
        assert_eq!(s.selected(), Some(0));
        assert_eq!(s.handle_key(key(KeyCode::Char('j'))), Action::None);
        assert_eq!(s.handle_key(key(KeyCode::Down)), Action::None);
        assert_eq!(s.selected(), Some(2));
        for _ in 0..5 {
            s.handle_key(key(KeyCode::Down));
        }
        assert_eq!(s.selected(), Some(3), "stops at the last row");
        s.handle_key(key(KeyCode::Char('k')));
        s.handle_key(key(KeyCode::Up));
        assert_eq!(s.selected(), Some(1));
        assert_eq!(s.handle_key(key(KeyCode::Char('c'))), Action::Copy(1));
        assert_eq!(s.handle_key(key(KeyCode::Enter)), Action::Copy(1));

        // `/` edits the filter: letters (even q and c) are text, Enter keeps it.
        s.handle_key(key(KeyCode::Char('/')));
        assert!(s.editing());
        for c in "gitq".chars() {
            assert_eq!(s.handle_key(key(KeyCode::Char(c))), Action::None);
        }
        assert!(s.visible().is_empty());
        assert_eq!(s.selected(), None);
        s.handle_key(key(KeyCode::Backspace));
        assert_eq!(s.filter(), "git");
        assert_eq!(s.visible(), vec![0, 1]);
        s.handle_key(key(KeyCode::Enter));
        assert!(!s.editing());
        s.handle_key(key(KeyCode::Char('G')));
        assert_eq!(s.handle_key(key(KeyCode::Char('c'))), Action::Copy(1));
        // Esc while editing clears the filter; Esc otherwise quits.
        s.handle_key(key(KeyCode::Char('/')));
        s.handle_key(key(KeyCode::Esc));
        assert_eq!(s.filter(), "");
        assert_eq!(s.visible().len(), 4);
        assert_eq!(s.handle_key(key(KeyCode::Esc)), Action::Quit);
        assert_eq!(s.handle_key(key(KeyCode::Char('q'))), Action::Quit);
        // Ctrl-C quits even while editing.
        s.handle_key(key(KeyCode::Char('/')));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(s.handle_key(ctrl_c), Action::Quit);
    }

    #[test]
    fn bars_follow_each_period() {
        assert_eq!(bar(30, 30), "█".repeat(20));
        assert_eq!(bar(15, 30), format!("{}{}", "█".repeat(10), "░".repeat(10)));
        assert_eq!(bar(15, 60), format!("{}{}", "█".repeat(5), "░".repeat(15)));
        assert_eq!(bar(1, 15), format!("{}{}", "█".repeat(2), "░".repeat(18)));
        assert_eq!(bar(1, 60).chars().filter(|&c| c == '█').count(), 1);
    }

    fn screen(state: &State<'_>, now: u64) -> String {
        let mut t = Terminal::new(TestBackend::new(110, 12)).unwrap();
        t.draw(|f| draw(f, state, now, false)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    #[test]
    fn draws_codes_countdowns_and_the_next_code_near_the_end() {
        let accs = accounts();
        let state = State::new(&accs, None);
        // RFC 6238: at 59 the 8-digit SHA1 code is 94287082 (1 s left of 30); the next period
        // (60..89) gives another code, shown as "next".
        let s = screen(&state, 59);
        for name in ["github", "gitlab", "bank", "token", "HOTP"] {
            assert!(s.contains(name), "{name} missing:\n{s}");
        }
        assert!(s.contains("94287082"), "{s}");
        let next = accs[0].otp.code_at(60);
        assert!(s.contains(&format!("next {}", next.as_str())), "{s}");
        // gitlab (60 s) has 1 s left too at 59; bank (15 s) at 59 has 1 s left as well.
        // At 40 github has 20 s left: no "next" for it; gitlab (60 s) has 20 s; bank 5 s.
        let s = screen(&state, 40);
        let github_line = s.lines().find(|l| l.contains("github")).unwrap();
        assert!(!github_line.contains("next"), "{github_line}");
        assert!(github_line.contains(" 20s"), "{github_line}");
        let bank_line = s.lines().find(|l| l.contains("bank")).unwrap();
        assert!(
            bank_line.contains("  5s") && bank_line.contains("next"),
            "{bank_line}"
        );
        // HOTP: no code at all.
        let token_line = s.lines().find(|l| l.contains("token")).unwrap();
        assert!(
            !token_line.chars().any(|c| c.is_ascii_digit()),
            "{token_line}"
        );
    }

    #[test]
    fn filter_from_the_command_line() {
        let accs = accounts();
        let state = State::new(&accs, Some("LAB"));
        let s = screen(&state, 100);
        assert!(s.contains("gitlab") && !s.contains("github"), "{s}");
        assert!(s.contains("1 of 4 accounts"), "{s}");
    }
}
