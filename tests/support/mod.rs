//! Helpers shared by the integration tests. Each test crate compiles its own
//! copy and uses a different part of it, so unused items are expected here.
#![allow(dead_code)]

pub mod clock;
pub mod database;
pub mod fake_bot_api;
pub mod http;
pub mod logs;
pub mod members;
pub mod process;
pub mod running;
pub mod site;
