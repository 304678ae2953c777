//! Bot API calls made by herald itself rather than through teloxide's
//! request futures, for two reasons:
//!
//! - teloxide sleeps 10 s on every 5xx answer before it even reads it, so a
//!   Bot API having a bad moment would hold each member's reply (and each
//!   `getUpdates`) for 10 s a time;
//! - a reply should be retried on 5xx and timeouts, and wait out a 429's
//!   `retry_after`, but not forever: past [`TRIES`] it is given up.
//!
//! The payloads are teloxide's own (`bot.send_message(..).payload_ref()`),
//! sent as JSON with the bot's client, to the bot's address (a file, which
//! JSON cannot carry, goes as a multipart form: [`send_file`]); answers are
//! read into teloxide's types and errors, so callers see a [`RequestError`]
//! as before. The token is in every URL, so errors are stripped of theirs.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use teloxide::requests::Payload;
use teloxide::types::Seconds;
use teloxide::{ApiError, Bot, RequestError};

/// Tries per reply for errors that may pass: 5xx, timeouts, the network,
/// flood control. At a steady 50 % error rate, 1 reply in 256 is still
/// lost. About 4.5 s of pauses in all, besides any `retry_after`.
pub const TRIES: u32 = 8;
/// The pause after the first failed try; it doubles each time, up to
/// [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);
/// One try of a reply gets this long; Telegram normally answers in well
/// under a second.
pub const ATTEMPT: Duration = Duration::from_secs(4);
/// A `retry_after` longer than this is not waited for: the member has long
/// stopped waiting for that reply.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// What one try came to.
#[derive(Debug)]
pub enum Failure {
    /// Worth another try: a 5xx, a timeout, a dropped connection.
    Passing(RequestError),
    /// Flood control: try again after this long.
    Wait(Duration, RequestError),
    /// Telegram's answer, which another try would not change.
    Final(RequestError),
}

/// One try of `payload`, within `limit`.
pub async fn once<P>(bot: &Bot, payload: &P, limit: Duration) -> Result<P::Output, Failure>
where
    P: Payload + Serialize,
    P::Output: DeserializeOwned,
{
    let body = serde_json::to_vec(payload)
        .map_err(|e| Failure::Final(RequestError::Api(ApiError::Unknown(e.to_string()))))?;
    let request = bot
        .client()
        .post(method_url(bot, P::NAME))
        .header("Content-Type", "application/json")
        .body(body);
    exchange(request, limit).await
}

/// A file for [`send_file`]: its name, its bytes, and the call's other
/// parameters (`chat_id`, `caption`, `reply_markup`…), each as the text
/// the Bot API takes (objects as JSON).
pub struct Upload {
    /// The method, e.g. `sendDocument`.
    pub method: &'static str,
    /// The parameter the file goes in, e.g. `document`.
    pub field: &'static str,
    pub filename: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    pub params: Vec<(&'static str, String)>,
}

/// `upload` as a multipart form, retried as [`retried`] retries.
pub async fn send_file(bot: &Bot, upload: &Upload) -> Result<Value, RequestError> {
    retry(upload.method, || {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in &upload.params {
            form = form.text(*name, value.clone());
        }
        let file = reqwest::multipart::Part::bytes(upload.bytes.clone())
            .file_name(upload.filename.clone())
            .mime_str(upload.mime)
            .expect("herald's own MIME types parse");
        let request = bot
            .client()
            .post(method_url(bot, upload.method))
            .multipart(form.part(upload.field, file));
        exchange(request, ATTEMPT)
    })
    .await
}

/// Where `method` is called; it holds the token, so it is never logged.
/// teloxide names the inline variants of a method (`EditMessageTextInline`)
/// apart; the Bot API knows them by the method's own name, as teloxide's
/// own client calls them.
fn method_url(bot: &Bot, method: &str) -> url::Url {
    let mut url = bot.api_url();
    url.set_path(&format!(
        "{}/bot{}/{}",
        url.path().trim_end_matches('/'),
        bot.token(),
        method.trim_end_matches("Inline")
    ));
    url
}

/// Sends `request` and reads its answer, each within `limit`.
async fn exchange<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
    limit: Duration,
) -> Result<T, Failure> {
    let request = request.send();
    let response = match tokio::time::timeout(limit, request).await {
        Err(_) => return Err(Failure::Passing(timed_out(limit))),
        Ok(Err(error)) => {
            // Without the URL: it holds the token.
            return Err(Failure::Passing(RequestError::Network(Arc::new(
                error.without_url(),
            ))));
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    let text = match tokio::time::timeout(limit, response.text()).await {
        Err(_) => return Err(Failure::Passing(timed_out(limit))),
        Ok(Err(error)) => {
            // Without the URL: it holds the token.
            return Err(Failure::Passing(RequestError::Network(Arc::new(
                error.without_url(),
            ))));
        }
        Ok(Ok(text)) => text,
    };
    read_answer(status.as_u16(), &text)
}

/// `payload` tried up to [`TRIES`] times, with growing pauses and as long
/// as Telegram's `retry_after` says.
pub async fn retried<P>(bot: &Bot, payload: &P) -> Result<P::Output, RequestError>
where
    P: Payload + Serialize,
    P::Output: DeserializeOwned,
{
    retry(P::NAME, || once(bot, payload, ATTEMPT)).await
}

/// Up to [`TRIES`] tries of `method`, each made by `attempt`.
async fn retry<T, F>(method: &str, mut attempt: impl FnMut() -> F) -> Result<T, RequestError>
where
    F: std::future::Future<Output = Result<T, Failure>>,
{
    let mut pause = FIRST_PAUSE;
    let mut last = None;
    for attempt_number in 1..=TRIES {
        let wait = match attempt().await {
            Ok(output) => return Ok(output),
            Err(Failure::Final(error)) => return Err(error),
            Err(Failure::Wait(wait, _)) if wait > LONGEST_WAIT => {
                return Err(RequestError::RetryAfter(Seconds::from_seconds(
                    wait.as_secs() as u32,
                )))
            }
            Err(Failure::Wait(wait, error)) => {
                last = Some(error);
                wait
            }
            Err(Failure::Passing(error)) => {
                last = Some(error);
                let wait = pause;
                pause = (pause * 2).min(LONGEST_PAUSE);
                wait
            }
        };
        if attempt_number < TRIES {
            tracing::debug!(
                method,
                attempt = attempt_number,
                ?wait,
                "reply failed; trying again"
            );
            metrics::counter!("herald_posts_total", "kind" => "reply", "outcome" => "retried")
                .increment(1);
            tokio::time::sleep(wait).await;
        }
    }
    Err(last.unwrap_or_else(|| timed_out(ATTEMPT)))
}

/// An answer as teloxide would read it, minus its 10 s sleep on a 5xx.
fn read_answer<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, Failure> {
    let server = (500..600).contains(&status);
    let Ok(answer) = serde_json::from_str::<Value>(text) else {
        // A proxy's HTML error page, or a cut-off answer.
        let error = RequestError::Api(ApiError::Unknown(format!(
            "HTTP {status}: the answer is not JSON"
        )));
        return Err(if server || status == 429 {
            Failure::Passing(error)
        } else {
            Failure::Final(error)
        });
    };
    if answer["ok"] == true {
        // Read again from the text, as teloxide does: some of its types
        // read from a `Value` differently (and fail).
        return serde_json::from_str::<Accepted<T>>(text)
            .map(|accepted| accepted.result)
            .map_err(|e| {
                Failure::Final(RequestError::Api(ApiError::Unknown(format!(
                    "cannot read the answer: {e}"
                ))))
            });
    }
    if let Some(seconds) = answer["parameters"]["retry_after"].as_u64() {
        let error = RequestError::RetryAfter(Seconds::from_seconds(seconds as u32));
        return Err(Failure::Wait(Duration::from_secs(seconds), error));
    }
    let description = answer["description"].as_str().unwrap_or_default();
    let api: ApiError = serde_json::from_value(Value::String(description.to_string()))
        .unwrap_or_else(|_| ApiError::Unknown(description.to_string()));
    let error = RequestError::Api(api);
    Err(match server || status == 429 {
        true => Failure::Passing(error),
        false => Failure::Final(error),
    })
}

/// A successful answer's shape.
#[derive(serde::Deserialize)]
struct Accepted<T> {
    result: T,
}

fn timed_out(limit: Duration) -> RequestError {
    RequestError::Io(Arc::new(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("no answer within {} s", limit.as_secs_f64()),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, text: &str) -> Result<bool, Failure> {
        read_answer::<bool>(status, text)
    }

    #[test]
    fn server_errors_and_floods_are_tried_again_and_refusals_are_not() {
        assert!(matches!(
            read(200, r#"{"ok":true,"result":true}"#),
            Ok(true)
        ));
        let server = read(
            500,
            r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#,
        );
        assert!(matches!(server, Err(Failure::Passing(_))), "{server:?}");
        assert!(matches!(
            read(502, "<html>Bad Gateway</html>"),
            Err(Failure::Passing(_))
        ));
        let flood = read(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#,
        );
        assert!(
            matches!(flood, Err(Failure::Wait(wait, _)) if wait == Duration::from_secs(3)),
            "{flood:?}"
        );
        let blocked = read(
            403,
            r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#,
        );
        assert!(
            matches!(
                blocked,
                Err(Failure::Final(RequestError::Api(ApiError::BotBlocked)))
            ),
            "{blocked:?}"
        );
        let same = read(
            400,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}"#,
        );
        assert!(
            matches!(
                same,
                Err(Failure::Final(RequestError::Api(
                    ApiError::MessageNotModified
                )))
            ),
            "{same:?}"
        );
    }
}
