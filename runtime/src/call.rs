//! [`Call`]: what an endpoint function answers; the request is sent when it is awaited.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FusedFuture};

use crate::client::Answer;
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};

/// How a 2xx answer becomes the value a [`Call`] answers.
pub(crate) type Decode<T> = fn(&'static Endpoint, Answer) -> Result<T>;

/// A request to the API, sent when awaited: `client.coworkers().get(12).await?`.
///
/// Endpoint functions return a `Call` rather than being `async fn`s: every endpoint then
/// shares one request future (retries, authentication, reading the answer) and only the
/// decoding differs, which keeps the generated crate quick to compile. A `Call` owns what
/// it needs (a clone of the [`Client`](crate::Client), the query, the serialized body), so
/// it can be stored or spawned: it is `Send` and `'static` whenever its answer type is.
///
/// Its arguments are read when it is built: the ids, the query and the body (serialized
/// then), so changing a body afterwards changes nothing. Nothing is sent until it is first
/// polled; dropping it before then sends nothing. Once it has answered, polling it again
/// answers [`Error::Config`] instead of sending again or panicking
/// ([`FusedFuture::is_terminated`] says when).
#[must_use = "a Call sends nothing until it is awaited"]
pub struct Call<T> {
    endpoint: &'static Endpoint,
    state: State<T>,
}

enum State<T> {
    /// The request, in flight once polled, and how to read its answer.
    Sending {
        answer: BoxFuture<'static, Result<Answer>>,
        decode: Decode<T>,
    },
    /// Known without a request: no ids to look up, too many, a body that cannot be
    /// serialized.
    Ready(Result<T>),
    /// Answered already.
    Done,
}

impl<T> Call<T> {
    /// A call that sends `answer` and reads its answer with `decode`.
    pub(crate) fn sending(
        endpoint: &'static Endpoint,
        answer: BoxFuture<'static, Result<Answer>>,
        decode: Decode<T>,
    ) -> Self {
        Self {
            endpoint,
            state: State::Sending { answer, decode },
        }
    }

    /// A call that answers `result` without sending anything.
    pub(crate) fn ready(endpoint: &'static Endpoint, result: Result<T>) -> Self {
        Self {
            endpoint,
            state: State::Ready(result),
        }
    }

    /// The endpoint this call goes to.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }
}

// `T` is never pinned: it is only moved out of `Ready` or made by `decode`, so pinning a
// `Call` never needs to pin what it answers.
impl<T> Unpin for Call<T> {}

impl<T> Future for Call<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.state, State::Done) {
            State::Sending { mut answer, decode } => match answer.as_mut().poll(cx) {
                Poll::Pending => {
                    this.state = State::Sending { answer, decode };
                    Poll::Pending
                }
                Poll::Ready(answer) => {
                    Poll::Ready(answer.and_then(|answer| decode(this.endpoint, answer)))
                }
            },
            State::Ready(result) => Poll::Ready(result),
            // Futures may misbehave when polled again; an error says so without panicking.
            State::Done => Poll::Ready(Err(Error::Config(format!(
                "the call to {} {} was polled after it completed",
                this.endpoint.method, this.endpoint.path
            )))),
        }
    }
}

impl<T> FusedFuture for Call<T> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done)
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Sending { .. } => "sending",
            State::Ready(_) => "ready",
            State::Done => "done",
        };
        f.debug_struct("Call")
            .field("method", &self.endpoint.method.as_str())
            .field("path", &self.endpoint.path)
            .field("state", &state)
            .finish()
    }
}
