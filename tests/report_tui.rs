//! `y` on the restore monitor, through `App::update`: the app asks the runner for the ticket
//! report with the facts it holds; the runner's part (`clipboard::copy_report`) saves the
//! markdown beside the journal, sends it to the terminal as OSC 52, and the flash says where.

mod support;

use base64::Engine;
use crossterm::event::KeyCode;
use snapdeck::app::keys::MONITOR_KEYS;
use snapdeck::app::{Effect, Msg};
use snapdeck::clipboard::ReportWanted;
use support::{app, key, now};

fn wanted(effects: &[Effect]) -> ReportWanted {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::CopyReport(wanted) => Some((**wanted).clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no report asked for: {effects:?}"))
}

#[test]
fn y_on_the_monitor_saves_the_report_sends_it_to_the_clipboard_and_says_where() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    let id = app.restores[0].id.clone();
    key(&mut app, KeyCode::Enter);
    let wanted = wanted(&key(&mut app, KeyCode::Char('y')));
    assert_eq!(wanted.facts.restore.id, id);
    let tenant = wanted.facts.tenant.as_ref().expect("the restore's tenant");
    assert_eq!(tenant.id, wanted.facts.restore.tenant_id);

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let mut terminal = Vec::new();
    let said = snapdeck::clipboard::copy_report(&wanted, Some(&journal), &mut terminal).unwrap();
    let file = dir.path().join("reports").join(format!("{id}.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with(&format!("### Restore {id} of {}", tenant.slug)),
        "{text}"
    );
    assert!(said.contains(&file.display().to_string()), "{said}");
    assert!(said.contains("OSC 52"), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "who did what is nobody else's business");
    }
    // The terminal got the same markdown, base64-encoded in one OSC 52.
    let sequence = String::from_utf8(terminal).unwrap();
    let encoded = sequence
        .strip_prefix("\x1b]52;c;")
        .and_then(|s| s.strip_suffix('\x07'))
        .unwrap_or_else(|| panic!("not an OSC 52: {sequence:?}"));
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), text);

    app.update(Msg::ReportCopied(Ok(said.clone())), now());
    assert_eq!(app.flash().unwrap().text, said);
    app.update(Msg::ReportCopied(Err("disk full".into())), now());
    assert_eq!(app.flash().unwrap().text, "disk full");
}

#[test]
fn the_key_is_in_the_monitors_help_and_read_only_may_use_it() {
    assert!(MONITOR_KEYS.iter().any(|b| b.label == "y"));
    let mut app = app(60);
    app.read_only = true;
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Enter);
    let effects = key(&mut app, KeyCode::Char('y'));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::CopyReport(_))),
        "a report changes nothing on the platform"
    );
}
