//! The `:` command line, as in k9s: `:fleet`, `:restores`, `:requests`, `:journal`,
//! `:tenant SLUG`, `:quit`. A unique prefix is enough (`:j`, `:ten north…`); `Tab` completes the
//! command, then the slug, from the fleet.

use tui_input::backend::crossterm::EventHandler;

use super::keys::{self, Action};
use super::{App, Effect, FlashKind, Modal, Screen};

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Fleet,
    Restores,
    Requests,
    Journal,
    Tenant(String),
    Quit,
}

/// Every command, with what help says of it.
pub const COMMANDS: &[(&str, &str)] = &[
    ("fleet", "every tenant, worst first"),
    ("restores", "every active and recent restore"),
    ("requests", "restore requests waiting for on-call"),
    ("journal", "every action taken from this machine"),
    ("tenant", "SLUG: one tenant's screen"),
    ("quit", "leave snapdeck"),
];

/// Reads a command line (without its `:`), or says what is wrong in words.
pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return Err(format!("type a command: {}", names()));
    };
    let name = command_named(first)?;
    let argument = words.next();
    if words.next().is_some() {
        return Err(format!(":{name} takes at most one word"));
    }
    match (name, argument) {
        ("tenant", Some(slug)) => Ok(Command::Tenant(slug.to_string())),
        ("tenant", None) => Err(":tenant needs a slug, e.g. :tenant northfield-arts".into()),
        (name, Some(_)) => Err(format!(":{name} takes no argument")),
        ("fleet", None) => Ok(Command::Fleet),
        ("restores", None) => Ok(Command::Restores),
        ("requests", None) => Ok(Command::Requests),
        ("journal", None) => Ok(Command::Journal),
        _ => Ok(Command::Quit),
    }
}

/// The command `word` names: itself, or the one command it is a prefix of.
fn command_named(word: &str) -> Result<&'static str, String> {
    let word = word.to_ascii_lowercase();
    if let Some((name, _)) = COMMANDS.iter().find(|(name, _)| *name == word) {
        return Ok(name);
    }
    let matches: Vec<&str> = COMMANDS
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
    let all: Vec<String> = COMMANDS
        .iter()
        .map(|(name, _)| format!(":{name}"))
        .collect();
    all.join(" ")
}

/// What `Tab` makes of `line`: the longest completion every candidate shares, and the
/// candidates (commands, or slugs after `tenant`), at most `limit` of them.
pub fn complete<'a>(
    line: &str,
    slugs: impl Iterator<Item = &'a str>,
    limit: usize,
) -> (String, Vec<String>) {
    match line.split_once(' ') {
        None => {
            let word = line.to_ascii_lowercase();
            let names = COMMANDS
                .iter()
                .map(|(name, _)| name.to_string())
                .filter(|name| name.starts_with(&word));
            let (shared, candidates) = shared_prefix(names, limit);
            let done = candidates.len() == 1;
            let completed = match shared {
                Some(shared) if done => format!("{shared} "),
                Some(shared) => shared,
                None => line.to_string(),
            };
            (completed, candidates)
        }
        Some((first, rest)) => {
            if command_named(first) != Ok("tenant") {
                return (line.to_string(), Vec::new());
            }
            let typed = rest.trim();
            let (shared, candidates) = shared_prefix(
                slugs.filter(|s| s.starts_with(typed)).map(str::to_string),
                limit,
            );
            let completed = match shared {
                Some(shared) => format!("{first} {shared}"),
                None => line.to_string(),
            };
            (completed, candidates)
        }
    }
}

/// The longest prefix all of `words` share (none when there are none), and the first `limit`
/// of them, sorted.
fn shared_prefix(
    words: impl Iterator<Item = String>,
    limit: usize,
) -> (Option<String>, Vec<String>) {
    let mut shared: Option<String> = None;
    let mut first = Vec::new();
    for word in words {
        shared = Some(match shared {
            None => word.clone(),
            Some(prefix) => common(&prefix, &word),
        });
        first.push(word);
    }
    first.sort();
    first.truncate(limit);
    (shared, first)
}

fn common(a: &str, b: &str) -> String {
    a.chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// Candidates Tab shows at most.
const SHOWN: usize = 8;

impl App {
    pub(super) fn on_command_key(&mut self, key: crossterm::event::KeyEvent) {
        match keys::action_in(&[Modal::Command.keys()], &key) {
            Some(Action::Back) => {
                self.modals.pop();
            }
            Some(Action::Complete) => {
                let slugs: Vec<String> = (0..self.fleet.len())
                    .map(|i| self.fleet.tenant(i).slug.clone())
                    .collect();
                let (line, candidates) = complete(
                    self.command_line.value(),
                    slugs.iter().map(String::as_str),
                    SHOWN,
                );
                self.command_line = tui_input::Input::new(line);
                self.command_candidates = candidates;
            }
            Some(Action::RunCommand) => {
                self.modals.pop();
                let line = self.command_line.value().to_string();
                match parse(&line) {
                    Ok(command) => self.run(command),
                    Err(why) => self.set_flash(FlashKind::Error, why),
                }
            }
            _ => {
                self.command_line
                    .handle_event(&crossterm::event::Event::Key(key));
                self.command_candidates.clear();
            }
        }
    }

    fn run(&mut self, command: Command) {
        match command {
            Command::Fleet => self.screens.truncate(1),
            Command::Restores => self.on_common_action(Action::ShowRestores),
            Command::Journal => self.open_journal(),
            Command::Requests => self.on_common_action(Action::ShowRequests),
            Command::Quit => self.effects.push(Effect::Quit),
            Command::Tenant(slug) => self.open_tenant_named(&slug),
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
        assert_eq!(parse("fleet"), Ok(Command::Fleet));
        assert_eq!(parse(" j "), Ok(Command::Journal));
        assert_eq!(parse("REQ"), Ok(Command::Requests));
        assert_eq!(
            parse("t northfield-arts"),
            Ok(Command::Tenant("northfield-arts".into()))
        );
        assert_eq!(parse("q"), Ok(Command::Quit));
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
        let none = std::iter::empty();
        assert_eq!(
            complete("jo", none, 5),
            ("journal ".to_string(), vec!["journal".into()])
        );
        let (line, candidates) = complete("re", std::iter::empty(), 5);
        assert_eq!(line, "re");
        assert_eq!(candidates, ["requests", "restores"]);
        let (line, candidates) = complete("tenant nor", slugs.iter().copied(), 5);
        assert_eq!(line, "tenant northfield-");
        assert_eq!(candidates, ["northfield-arts", "northfield-hub"]);
        let (line, _) = complete("t ri", slugs.iter().copied(), 5);
        assert_eq!(line, "t riverside-hub");
        let (line, candidates) = complete("tenant zz", slugs.iter().copied(), 5);
        assert_eq!((line.as_str(), candidates.len()), ("tenant zz", 0));
        let (_, few) = complete("tenant ", slugs.iter().copied(), 2);
        assert_eq!(few.len(), 2);
    }
}
