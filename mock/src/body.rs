//! Response bodies: whole ones, and the two broken kinds faults need — one streamed from
//! a repeated chunk (an oversized body that is never held in memory) and one that stops
//! half-way with an error, so that hyper closes the connection mid-body.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hyper::body::{Body, Bytes, Frame, SizeHint};

/// Bytes per frame of a streamed body.
const CHUNK_BYTES: usize = 64 * 1024;
/// How long a body cut short waits before failing: hyper drops what it has buffered
/// when a body fails, so the part must be flushed to the socket first.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// A response body.
#[derive(Debug)]
pub(crate) struct MockBody {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// All of it, then the end.
    Whole(Option<Bytes>),
    /// `prefix`, then `fill` repeated until `remaining` bytes have been sent in all;
    /// `announced` makes the length known to hyper, which then sends it as
    /// `Content-Length` (otherwise the body goes chunked).
    Streamed {
        prefix: Option<Bytes>,
        fill: Bytes,
        remaining: u64,
        announced: bool,
    },
    /// `part`, then a pause, then an error (the connection is closed before the announced
    /// length).
    CutShort {
        part: Option<Bytes>,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
}

impl MockBody {
    /// The whole of `bytes`.
    pub(crate) fn whole(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            kind: Kind::Whole((!bytes.is_empty()).then_some(bytes)),
        }
    }

    /// `length` bytes: `prefix`, then `fill_byte` (never allocated at that length),
    /// with the length `announced` or sent chunked.
    pub(crate) fn streamed(prefix: &'static [u8], fill_byte: u8, length: u64, announced: bool) -> Self {
        let prefix_length = usize::try_from(length).map_or(prefix.len(), |length| length.min(prefix.len()));
        Self {
            kind: Kind::Streamed {
                prefix: Some(Bytes::from_static(&prefix[..prefix_length])),
                fill: Bytes::from(vec![fill_byte; CHUNK_BYTES]),
                remaining: length,
                announced,
            },
        }
    }

    /// `part`, then a failure; give the full length in `Content-Length` yourself.
    pub(crate) fn cut_short(part: impl Into<Bytes>) -> Self {
        Self {
            kind: Kind::CutShort {
                part: Some(part.into()),
                pause: None,
            },
        }
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let frame = match &mut self.kind {
            Kind::Whole(bytes) => bytes.take().map(|bytes| Ok(Frame::data(bytes))),
            Kind::Streamed {
                prefix,
                fill,
                remaining,
                ..
            } => {
                let next = match prefix.take() {
                    Some(prefix) => prefix,
                    None => fill.slice(..usize::try_from(*remaining).unwrap_or(usize::MAX).min(fill.len())),
                };
                *remaining -= next.len() as u64;
                (!next.is_empty()).then(|| Ok(Frame::data(next)))
            }
            Kind::CutShort { part, pause } => Some(match part.take() {
                Some(part) => {
                    *pause = Some(Box::pin(tokio::time::sleep(FLUSH_PAUSE)));
                    Ok(Frame::data(part))
                }
                None => {
                    if let Some(pause) = pause {
                        ready!(pause.as_mut().poll(cx));
                    }
                    Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "fault: body cut short",
                    ))
                }
            }),
        };
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Whole(bytes) => bytes.is_none(),
            Kind::Streamed { remaining, .. } => *remaining == 0,
            Kind::CutShort { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Streamed {
                remaining,
                announced: true,
                ..
            } => SizeHint::with_exact(*remaining),
            Kind::Streamed { .. } => SizeHint::default(),
            // Unknown, so that hyper takes the length from the `Content-Length` header.
            Kind::CutShort { .. } => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn collect(body: MockBody) -> Result<Vec<u8>, io::Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async { body.collect().await.map(|collected| collected.to_bytes().to_vec()) })
    }

    #[test]
    fn body_streamed_has_exactly_the_length_asked_for() {
        for length in [0, 3, 10, 64 * 1024 + 7, 3 * 64 * 1024] {
            assert_eq!(MockBody::streamed(b"{", b'x', length, false).size_hint().exact(), None);
            let body = MockBody::streamed(b"{\"a\":\"", b'x', length, true);
            assert_eq!(body.size_hint().exact(), Some(length));
            let bytes = collect(body).unwrap();
            assert_eq!(bytes.len() as u64, length);
            if length > 6 {
                assert!(bytes.starts_with(b"{\"a\":\"x"));
            }
        }
    }

    #[test]
    fn body_cut_short_fails_after_its_part() {
        assert!(collect(MockBody::cut_short(&b"{\"id\""[..])).is_err());
        assert_eq!(collect(MockBody::whole(&b"{}"[..])).unwrap(), b"{}");
        assert!(MockBody::whole(Bytes::new()).is_end_stream());
    }
}
