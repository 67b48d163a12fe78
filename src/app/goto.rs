//! The `:` go-to line, as in k9s' command mode: `:fleet`, `:restores`, `:requests`, `:journal`,
//! `:tenant SLUG`, `:quit`. A unique prefix is enough (`:j`, `:ten north…`); `Tab` completes the
//! command, then the slug, from the fleet.

use tui_input::backend::crossterm::EventHandler;

use super::keys::{self, Action};
use super::{App, Effect, FlashKind, Modal, Screen};
use crate::domain::natural::natural_cmp;

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goto {
    Fleet,
    Restores,
    Requests,
    Regions,
    Journal,
    Tenant(String),
    /// A drill's wizard for the tenant of exactly this slug (a write: no guessing).
    Drill(String),
    Quit,
}

/// Every command, with what help says of it.
pub const GOTOS: &[(&str, &str)] = &[
    ("fleet", "every tenant, worst first"),
    ("restores", "every active and recent restore"),
    ("requests", "restore requests waiting for on-call"),
    (
        "regions",
        "every region: status, and what its failure would cost",
    ),
    ("journal", "every action taken from this machine"),
    ("tenant", "SLUG: one tenant's screen"),
    ("drill", "SLUG: a restore drill of one tenant…"),
    ("quit", "leave snapdeck"),
];

/// Reads a command line (without its `:`), or says what is wrong in words.
pub fn parse(line: &str) -> Result<Goto, String> {
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return Err(format!("type a command: {}", names()));
    };
    let name = goto_named(first)?;
    let argument = words.next();
    if words.next().is_some() {
        return Err(format!(":{name} takes at most one word"));
    }
    match (name, argument) {
        ("tenant", Some(slug)) => Ok(Goto::Tenant(slug.to_string())),
        ("tenant", None) => Err(":tenant needs a slug, e.g. :tenant northfield-arts".into()),
        ("drill", Some(slug)) => Ok(Goto::Drill(slug.to_string())),
        ("drill", None) => Err(":drill needs a slug, e.g. :drill northfield-arts".into()),
        (name, Some(_)) => Err(format!(":{name} takes no argument")),
        ("fleet", None) => Ok(Goto::Fleet),
        ("restores", None) => Ok(Goto::Restores),
        ("requests", None) => Ok(Goto::Requests),
        ("regions", None) => Ok(Goto::Regions),
        ("journal", None) => Ok(Goto::Journal),
        _ => Ok(Goto::Quit),
    }
}

/// The command `word` names: itself, or the one command it is a prefix of.
fn goto_named(word: &str) -> Result<&'static str, String> {
    let word = word.to_ascii_lowercase();
    if let Some((name, _)) = GOTOS.iter().find(|(name, _)| *name == word) {
        return Ok(name);
    }
    let matches: Vec<&str> = GOTOS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| name.starts_with(&word))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("no command :{word}; the commands are {}", names())),
        many => Err(format!(":{word} could be {}", many.join(", :"))),
    }
}

fn names() -> String {
    let all: Vec<String> = GOTOS.iter().map(|(name, _)| format!(":{name}")).collect();
    all.join(" ")
}

/// What Tab offered: the candidates in natural order, and which one the line holds while
/// Tab cycles through them (Tab again when nothing more is shared, Shift-Tab back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offered {
    /// What comes before the candidate word: nothing for a name, `"tenant "` for a slug.
    head: String,
    /// The line as Tab left it; typing over it ends the cycle.
    left: String,
    pub words: Vec<String>,
    /// Candidates beyond `words` (a one-letter start over a large fleet).
    pub more: usize,
    /// The candidate the line holds, once Tab cycles.
    pub at: Option<usize>,
}

impl Offered {
    /// The next (or previous) candidate's line, when `line` is still the one Tab left and
    /// there is more than one to cycle through.
    fn step(&mut self, line: &str, forward: bool) -> Option<String> {
        let len = self.words.len();
        if len < 2 || line != self.left {
            return None;
        }
        let at = match (self.at, forward) {
            (None, true) => 0,
            (None, false) => len - 1,
            (Some(i), true) => (i + 1) % len,
            (Some(i), false) => (i + len - 1) % len,
        };
        self.at = Some(at);
        self.left = format!("{}{}", self.head, self.words[at]);
        Some(self.left.clone())
    }
}

/// Candidates Tab keeps to cycle through at most.
const KEPT: usize = 200;

/// What the first `Tab` makes of `line`: the longest completion every candidate shares, and
/// the candidates (names, or slugs after `tenant`) in natural order.
pub fn complete<'a>(line: &str, slugs: impl Iterator<Item = &'a str>) -> (String, Offered) {
    let (head, words): (String, Vec<&str>) = match line.split_once(' ') {
        None => {
            let word = line.to_ascii_lowercase();
            let names = GOTOS.iter().map(|(name, _)| *name);
            (
                String::new(),
                names.filter(|n| n.starts_with(&word)).collect(),
            )
        }
        Some((first, rest)) if matches!(goto_named(first), Ok("tenant" | "drill")) => {
            let typed = rest.trim().to_string();
            let matching = slugs.filter(|s| s.starts_with(&typed)).collect();
            (format!("{first} "), matching)
        }
        Some(_) => return (line.to_string(), Offered::default()),
    };
    let shared = words
        .iter()
        .map(|w| w.to_string())
        .reduce(|prefix, word| common(&prefix, &word));
    let completed = match shared {
        // One name is done: a space, ready for its slug.
        Some(name) if words.len() == 1 && head.is_empty() => format!("{name} "),
        Some(shared) => format!("{head}{shared}"),
        None => line.to_string(),
    };
    let (words, more) = first_in_natural_order(words, KEPT);
    let offered = Offered {
        head,
        left: completed.clone(),
        words,
        more,
        at: None,
    };
    (completed, offered)
}

/// The first `limit` of `words` in natural order (`s7` before `s10`), and how many more.
fn first_in_natural_order(mut words: Vec<&str>, limit: usize) -> (Vec<String>, usize) {
    let more = words.len().saturating_sub(limit);
    if more > 0 {
        words.select_nth_unstable_by(limit - 1, |a, b| natural_cmp(a, b));
        words.truncate(limit);
    }
    words.sort_by(|a, b| natural_cmp(a, b));
    (words.into_iter().map(str::to_string).collect(), more)
}

fn common(a: &str, b: &str) -> String {
    a.chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

impl App {
    pub(super) fn on_goto_key(&mut self, key: crossterm::event::KeyEvent) {
        match keys::action_in(&[Modal::Goto.keys()], &key) {
            Some(Action::Back) => {
                self.modals.pop();
            }
            Some(Action::Complete) => self.on_tab(true),
            Some(Action::CompleteBack) => self.on_tab(false),
            Some(Action::Go) => {
                self.modals.pop();
                let line = self.goto_line.value().to_string();
                match parse(&line) {
                    Ok(goto) => self.go(goto),
                    Err(why) => self.set_flash(FlashKind::Error, why),
                }
            }
            _ => {
                self.goto_line
                    .handle_event(&crossterm::event::Event::Key(key));
                self.goto_offered = Offered::default();
            }
        }
    }

    /// Tab: cycle what it offered before, while the line is as Tab left it; else complete.
    fn on_tab(&mut self, forward: bool) {
        if let Some(line) = self.goto_offered.step(self.goto_line.value(), forward) {
            self.goto_line = tui_input::Input::new(line);
            return;
        }
        let slugs = (0..self.fleet.len()).map(|i| self.fleet.tenant(i).slug.as_str());
        let (line, offered) = complete(self.goto_line.value(), slugs);
        self.goto_line = tui_input::Input::new(line);
        self.goto_offered = offered;
    }

    fn go(&mut self, goto: Goto) {
        match goto {
            Goto::Fleet => self.screens.truncate(1),
            Goto::Restores => self.on_common_action(Action::ShowRestores),
            Goto::Journal => self.open_journal(),
            Goto::Requests => self.on_common_action(Action::ShowRequests),
            Goto::Regions => self.on_common_action(Action::ShowRegions),
            Goto::Quit => self.effects.push(Effect::Quit),
            Goto::Tenant(slug) => self.open_tenant_named(&slug),
            Goto::Drill(slug) => {
                let found = (0..self.fleet.len())
                    .map(|i| self.fleet.tenant(i))
                    .find(|t| t.slug == slug)
                    .map(|t| t.id.clone());
                match found {
                    Some(id) => self.open_drill(Some(id)),
                    None => {
                        let text = format!("no tenant {slug} in the fleet (:drill needs it whole)");
                        self.set_flash(FlashKind::Error, text);
                    }
                }
            }
        }
    }

    /// `:tenant SLUG`: the tenant of that slug (or the one slug it begins), over the fleet.
    fn open_tenant_named(&mut self, slug: &str) {
        let slugs = (0..self.fleet.len()).map(|i| (i, &self.fleet.tenant(i).slug));
        let exact = slugs.clone().find(|(_, s)| s.as_str() == slug);
        let starting: Vec<usize> = slugs
            .filter(|(_, s)| s.starts_with(slug))
            .map(|(i, _)| i)
            .collect();
        let found = match (exact, starting.as_slice()) {
            (Some((i, _)), _) => i,
            (None, [one]) => *one,
            (None, []) => {
                self.set_flash(FlashKind::Error, format!("no tenant {slug} in the fleet"));
                return;
            }
            (None, many) => {
                let text = format!("{} tenants begin {slug}: Tab lists them", many.len());
                self.set_flash(FlashKind::Error, text);
                return;
            }
        };
        let id = self.fleet.tenant(found).id.clone();
        self.screens.truncate(1);
        self.view.select_id(&id, &self.fleet);
        if !matches!(self.screen(), Screen::Tenant(_)) {
            self.open_tenant(id, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_unique_prefixes_parse() {
        assert_eq!(parse("fleet"), Ok(Goto::Fleet));
        assert_eq!(parse(" j "), Ok(Goto::Journal));
        assert_eq!(parse("REQ"), Ok(Goto::Requests));
        assert_eq!(
            parse("t northfield-arts"),
            Ok(Goto::Tenant("northfield-arts".into()))
        );
        assert_eq!(parse("q"), Ok(Goto::Quit));
    }

    #[test]
    fn what_is_wrong_is_said_in_words() {
        assert!(parse("").unwrap_err().contains(":fleet"));
        assert!(
            parse("re")
                .unwrap_err()
                .contains("could be restores, :requests")
        );
        assert!(parse("deploy").unwrap_err().contains("no command :deploy"));
        assert!(parse("tenant").unwrap_err().contains("needs a slug"));
        assert!(
            parse("fleet now")
                .unwrap_err()
                .contains("takes no argument")
        );
        assert!(
            parse("tenant a b")
                .unwrap_err()
                .contains("at most one word")
        );
    }

    #[test]
    fn tab_completes_the_command_then_the_slug() {
        let slugs = ["northfield-arts", "northfield-hub", "riverside-hub"];
        let (line, offered) = complete("jo", std::iter::empty());
        assert_eq!(
            (line.as_str(), offered.words),
            ("journal ", vec!["journal".into()])
        );
        let (line, offered) = complete("re", std::iter::empty());
        assert_eq!(line, "re");
        assert_eq!(offered.words, ["regions", "requests", "restores"]);
        let (line, offered) = complete("tenant nor", slugs.iter().copied());
        assert_eq!(line, "tenant northfield-");
        assert_eq!(offered.words, ["northfield-arts", "northfield-hub"]);
        let (line, _) = complete("t ri", slugs.iter().copied());
        assert_eq!(line, "t riverside-hub");
        let (line, offered) = complete("tenant zz", slugs.iter().copied());
        assert_eq!((line.as_str(), offered.words.len()), ("tenant zz", 0));
    }

    #[test]
    fn tab_again_cycles_in_natural_order_and_shift_tab_goes_back() {
        let slugs = ["s10-hub", "s7-hub", "s9-hub"];
        let (line, mut offered) = complete("tenant s", slugs.iter().copied());
        assert_eq!(line, "tenant s");
        assert_eq!(offered.words, ["s7-hub", "s9-hub", "s10-hub"]);
        let mut line = line;
        let mut seen = Vec::new();
        for _ in 0..4 {
            line = offered.step(&line, true).unwrap();
            seen.push(line.clone());
        }
        assert_eq!(
            seen,
            [
                "tenant s7-hub",
                "tenant s9-hub",
                "tenant s10-hub",
                "tenant s7-hub"
            ]
        );
        assert_eq!(offered.step(&line, false).unwrap(), "tenant s10-hub");
        assert_eq!(
            offered.step("tenant s10-hubx", true),
            None,
            "typing ends it"
        );
        let (_, mut one) = complete("tenant s1", slugs.iter().copied());
        assert_eq!(one.step("tenant s10-hub", true), None, "one is not a cycle");
    }

    #[test]
    fn a_large_fleet_keeps_the_first_candidates_in_natural_order() {
        let slugs: Vec<String> = (0..1000).rev().map(|i| format!("t{i}")).collect();
        let (_, offered) = complete("tenant t", slugs.iter().map(String::as_str));
        assert_eq!(offered.words.len(), KEPT);
        assert_eq!(offered.more, 1000 - KEPT);
        assert_eq!(offered.words[..3], ["t0", "t1", "t2"]);
        assert_eq!(offered.words[KEPT - 1], format!("t{}", KEPT - 1));
    }
}
