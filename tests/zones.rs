//! A page in its own zone, end to end: a Berlin meetup (`+01:00`) served
//! by a bot kept in Asia/Shanghai reads in Berlin time in `/next`,
//! `/agenda`, a reminder and its calendar file, with Shanghai's time
//! beside it.

mod support;

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use herald::config::Config;

use support::fake_bot_api::Chat;
use support::members::{JANE, ZHOU};
use support::running::Running;

const BERLIN: i32 = 3600;

/// The next 18:30 on a `+01:00` clock at least three hours away, so the
/// page is upcoming and its reminder can be set to fall due in seconds.
fn next_evening() -> DateTime<FixedOffset> {
    let berlin = FixedOffset::east_opt(BERLIN).unwrap();
    let soonest = (Utc::now() + Duration::hours(3)).with_timezone(&berlin);
    let evening = NaiveTime::from_hms_opt(18, 30, 0).unwrap();
    let today = soonest.date_naive().and_time(evening);
    let at = today.and_local_timezone(berlin).unwrap();
    if at >= soonest {
        at
    } else {
        at + Duration::days(1)
    }
}

fn page(start: DateTime<FixedOffset>) -> String {
    format!(
        "---\ntitle: Rust Berlin\ndate: {}\ndate_end: {}\nlocation: c-base\n---\n\n\
         ## Agenda\n\n- 18:30-19:15 Ownership in practice — Jane Doe (Ferrous)\n",
        start.to_rfc3339(),
        (start + Duration::hours(3)).to_rfc3339()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_berlin_page_shown_in_berlin_time() {
    let start = next_evening();
    // The reminder falls due four seconds from now.
    let lead = (start.with_timezone(&Utc) - Utc::now()).num_seconds() - 4;
    let bot = Running::start_with(&[("rust-berlin.md", page(start))], |config: &mut Config| {
        config.timezone = chrono_tz::Asia::Shanghai;
        config.schedule.reminders = vec![format!("{lead}s").parse().unwrap()];
        config.schedule.talk_reminders = Vec::new();
    })
    .await;
    // 18:30 in Berlin is 01:30 the next day in Shanghai.
    let day = start.format("%a %-d %b %Y");
    let shanghai_day = (start + Duration::days(1)).format("%a");
    let when = format!("{day}, 18:30–21:30 (UTC+01:00 · {shanghai_day} 01:30 Asia/Shanghai)");

    // Jane's chat subscribes, for the reminder.
    let private = Chat::Private(JANE.id);
    bot.ask(private, &JANE, "/subscribe").await;
    let next = bot.ask(private, &JANE, "/next").await;
    assert!(next.html.contains(&format!("🗓 {when}\n")), "{}", next.html);

    let agenda = bot.ask(private, &JANE, "/agenda").await;
    assert!(
        agenda.html.contains(&format!("🗓 {when}\n")),
        "{}",
        agenda.html
    );
    assert!(
        agenda
            .html
            .contains("🕐 18:30–19:15 <b>Ownership in practice</b>"),
        "{}",
        agenda.html
    );

    // In Chinese, the same clock.
    let zh = Chat::Private(ZHOU.id);
    let next = bot.ask(zh, &ZHOU, "/next").await;
    assert!(
        next.html
            .contains("18:30–21:30（UTC+01:00 · Asia/Shanghai 周"),
        "{}",
        next.html
    );
    assert!(next.html.contains(" 01:30）"), "{}", next.html);

    // The reminder, in the chat that subscribed.
    let reminder = bot
        .api
        .wait_within(
            std::time::Duration::from_secs(10),
            "the reminder",
            |calls| {
                calls
                    .iter()
                    .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == private.id())
                    .find(|c| {
                        c.params["text"]
                            .as_str()
                            .is_some_and(|t| t.starts_with("⏰"))
                    })
                    .map(|c| c.params["text"].as_str().unwrap_or_default().to_string())
            },
        )
        .await;
    assert!(reminder.starts_with("⏰ In "), "{reminder}");
    assert!(reminder.contains(&when), "{reminder}");

    // The calendar keeps the instant, in UTC; its agenda names the clock.
    bot.api.send_text(private, &JANE, "/ics");
    let files = bot.api.wait_for_documents(private, 1).await;
    let (_, text) = files[0].document().unwrap();
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars.next().unwrap().unwrap();
    let event = &calendar.events[0];
    let property = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("no {name}: {text}"))
    };
    let utc = start.with_timezone(&Utc);
    assert_eq!(
        property("DTSTART"),
        utc.format("%Y%m%dT%H%M%SZ").to_string()
    );
    assert_eq!(
        property("DTEND"),
        (utc + Duration::hours(3))
            .format("%Y%m%dT%H%M%SZ")
            .to_string()
    );
    let description = property("DESCRIPTION");
    assert!(
        description.contains("UTC+01:00\\n18:30–19:15 Ownership in practice"),
        "{description}"
    );
    assert!(files[0].html.contains(&when), "{}", files[0].html);
    bot.stop().await;
}
