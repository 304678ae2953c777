//! Plain HTTP/1.1 to herald's own endpoints (`/healthz`, `/metrics`), and
//! a small round-robin load balancer in front of several `herald run`s.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A port nothing listens on (free a moment ago).
pub fn free_port() -> SocketAddr {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap()
}

/// `GET path` over HTTP/1.1: the status code and the body.
pub async fn get(address: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(address).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

/// Asks `path` every 100 ms until `wanted` holds, for at most `patience`;
/// returns the last answer.
pub async fn get_until(
    address: SocketAddr,
    path: &str,
    patience: Duration,
    wanted: impl Fn(u16, &str) -> bool,
) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let answer = get(address, path).await;
        if let Some((status, body)) = &answer {
            if wanted(*status, body) {
                return (*status, body.clone());
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{path} never as wanted; last: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A TCP load balancer on 127.0.0.1: each connection goes to the next
/// backend in turn, past any that refuse it (a dead replica), as a
/// balancer's health checks would have it. It stops when dropped.
pub struct Balancer {
    pub addr: SocketAddr,
    /// Connections handed to each backend, in `backends` order.
    pub handed: Arc<Vec<AtomicUsize>>,
    accepting: tokio::task::JoinHandle<()>,
}

impl Balancer {
    pub async fn start(backends: Vec<SocketAddr>) -> Balancer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handed: Arc<Vec<AtomicUsize>> =
            Arc::new(backends.iter().map(|_| AtomicUsize::new(0)).collect());
        let counts = Arc::clone(&handed);
        let accepting = tokio::spawn(async move {
            let mut next = 0;
            while let Ok((client, _)) = listener.accept().await {
                for _ in 0..backends.len() {
                    let index = next % backends.len();
                    next += 1;
                    if let Ok(upstream) = TcpStream::connect(backends[index]).await {
                        counts[index].fetch_add(1, Ordering::SeqCst);
                        tokio::spawn(relay(client, upstream));
                        break;
                    }
                }
            }
        });
        Balancer {
            addr,
            handed,
            accepting,
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

async fn relay(mut client: TcpStream, mut upstream: TcpStream) {
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}
