//! The members the end-to-end tests speak as: one whose Telegram client is
//! Chinese, one English, so every test checks the same two languages.

use super::fake_bot_api::User;

pub const ZHOU: User = User {
    id: 1001,
    first_name: "周",
    language: Some("zh-hans"),
};

pub const JANE: User = User {
    id: 1002,
    first_name: "Jane",
    language: Some("en"),
};
