//! herald: a Telegram bot for tech communities, driven by the Hugo / Wowchemy
//! event pages organizers already keep.
//!
//! The core is pure: [`events`] turns pages into [`events::Event`]s,
//! [`commands`] answers a chat command from events and a clock, [`render`]
//! is the one place messages are written. Adapters (the CLI console, and
//! Telegram) only move text in and out.

pub mod allocator;
pub mod blocking;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod community;
pub mod config;
pub mod duration;
pub mod events;
pub mod export;
pub mod health;
pub mod http;
pub mod lang;
pub mod render;
pub mod schedule;
pub mod store;
pub mod telegram;
