//! The emulator's settings: applications and their roles, token settings, limits, the action clock.
//!
//! Read from TOML ([`Config::from_toml`]); every table and key is optional except an application's
//! `client_id`, `client_secret` and `roles`:
//!
//! ```
//! use odata_filter::server::Config;
//! let config = Config::from_toml(r#"
//!     audience = "https://api.securitycenter.microsoft.com"
//!     token_lifetime_seconds = 3599
//!
//!     [limits]
//!     rate = [{ calls = 100, seconds = 60 }, { calls = 1500, seconds = 3600 }]
//!     max_body_bytes = 1048576
//!     max_url_bytes = 16384
//!     request_timeout_seconds = 30
//!
//!     [actions]
//!     pending_seconds = 2.0
//!     running_seconds = 10.0
//!     outcome = [{ comment_contains = "[fail]", status = "Failed" }]
//!
//!     [[application]]
//!     client_id = "11111111-2222-3333-4444-555555555555"
//!     client_secret = "s3cret"
//!     roles = ["Machine.Read.All"]
//! "#).unwrap();
//! assert_eq!(config.application[0].roles, ["Machine.Read.All"]);
//! assert_eq!(config.limits.rate[1].calls, 1500);
//! ```

use std::time::Duration;

use serde::Deserialize;

use crate::mde::MachineActionStatus;

/// The audience (`aud`) of the service's tokens, and the resource of its `.default` scope.
pub const MDE_AUDIENCE: &str = "https://api.securitycenter.microsoft.com";

/// Every application permission the emulator knows (the ones docs/mde.md lists).
pub const ALL_ROLES: &[&str] = &[
    "Machine.Read.All",
    "Machine.ReadWrite.All",
    "Machine.Isolate",
    "Machine.Scan",
    "Machine.CollectForensics",
    "Machine.Offboard",
    "Machine.StopAndQuarantine",
    "Machine.RestrictExecution",
];

/// The whole configuration. `Default` is the service's behaviour with no applications.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The `aud` claim of issued tokens, checked on every call. Default [`MDE_AUDIENCE`].
    pub audience: String,
    /// HS256 signing key; when absent a random key is drawn at start (tokens die with the process).
    pub signing_key: Option<String>,
    /// `expires_in` of issued tokens. Default 3599, as the identity platform answers.
    pub token_lifetime_seconds: u64,
    /// Request limits.
    pub limits: RequestLimits,
    /// How machine actions move through their states.
    pub actions: ActionClock,
    /// The applications that may get tokens (`[[application]]` tables).
    pub application: Vec<Application>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            audience: MDE_AUDIENCE.to_string(),
            signing_key: None,
            token_lifetime_seconds: 3599,
            limits: RequestLimits::default(),
            actions: ActionClock::default(),
            application: Vec::new(),
        }
    }
}

impl Config {
    /// Parses TOML; the message names the key at fault.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    /// Rejects settings that cannot work: an empty id or secret, an unknown role, a zero limit.
    pub fn check(&self) -> Result<(), String> {
        for app in &self.application {
            if app.client_id.is_empty() || app.client_secret.is_empty() {
                return Err(
                    "an [[application]] needs a non-empty client_id and client_secret".into(),
                );
            }
            if let Some(r) = app.roles.iter().find(|r| !ALL_ROLES.contains(&r.as_str())) {
                return Err(format!(
                    "application '{}': unknown role '{r}' (known: {})",
                    app.client_id,
                    ALL_ROLES.join(", ")
                ));
            }
        }
        if let Some(r) = self
            .limits
            .rate
            .iter()
            .find(|r| r.calls == 0 || r.seconds <= 0.0)
        {
            return Err(format!(
                "rate limit {} calls per {} seconds: both must be positive",
                r.calls, r.seconds
            ));
        }
        let clock = [self.actions.pending_seconds, self.actions.running_seconds];
        if clock.iter().any(|s| !s.is_finite() || *s < 0.0) {
            return Err("actions.pending_seconds and running_seconds must be >= 0".into());
        }
        Ok(())
    }
}

/// One application (a client-credentials client).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The application (client) id; it becomes the `requestor` of the actions it creates.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// Its application permissions (the token's `roles` claim).
    pub roles: Vec<String>,
}

/// Request limits; [`RequestLimits::lifted`] for load tests.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RequestLimits {
    /// Calls per application per window; every window is enforced. Default: 100 per minute and
    /// 1,500 per hour (docs/mde.md).
    pub rate: Vec<RateLimit>,
    /// Largest request body. Default 1 MiB.
    pub max_body_bytes: usize,
    /// Longest request target (path and query). Default 16 KiB.
    pub max_url_bytes: usize,
    /// Time allowed for one request, in seconds (0: none). Default 30.
    pub request_timeout_seconds: f64,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            rate: vec![
                RateLimit {
                    calls: 100,
                    seconds: 60.0,
                },
                RateLimit {
                    calls: 1500,
                    seconds: 3600.0,
                },
            ],
            max_body_bytes: 1 << 20,
            max_url_bytes: 16 << 10,
            request_timeout_seconds: 30.0,
        }
    }
}

impl RequestLimits {
    /// No rate limit and no timeout (sizes stay bounded).
    pub fn lifted() -> RequestLimits {
        RequestLimits {
            rate: Vec::new(),
            request_timeout_seconds: 0.0,
            ..RequestLimits::default()
        }
    }

    /// The timeout, `None` when 0.
    pub fn request_timeout(&self) -> Option<Duration> {
        (self.request_timeout_seconds > 0.0)
            .then(|| Duration::from_secs_f64(self.request_timeout_seconds))
    }
}

/// `calls` per `seconds`, per application.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Calls allowed in the window.
    pub calls: u32,
    /// The window.
    pub seconds: f64,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `CALLS/SECONDS`, e.g. `100/60`.
    fn from_str(s: &str) -> Result<RateLimit, String> {
        let bad = || format!("expected CALLS/SECONDS (e.g. 100/60), got '{s}'");
        let (calls, seconds) = s.split_once('/').ok_or_else(bad)?;
        let limit = RateLimit {
            calls: calls.trim().parse().map_err(|_| bad())?,
            seconds: seconds.trim().parse().map_err(|_| bad())?,
        };
        if limit.calls == 0 || !limit.seconds.is_finite() || limit.seconds <= 0.0 {
            return Err(bad());
        }
        Ok(limit)
    }
}

/// The clock of created actions: `Pending` for `pending_seconds`, `InProgress` for `running_seconds`,
/// then the status of the first `outcome` rule whose text the request's comment contains, else
/// `Succeeded`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ActionClock {
    /// Time in `Pending`. Default 2.
    pub pending_seconds: f64,
    /// Time in `InProgress`. Default 10.
    pub running_seconds: f64,
    /// Final-status rules, first match wins. Default: `[fail]` → Failed, `[timeout]` → TimeOut.
    pub outcome: Vec<OutcomeRule>,
}

impl Default for ActionClock {
    fn default() -> Self {
        ActionClock {
            pending_seconds: 2.0,
            running_seconds: 10.0,
            outcome: vec![
                OutcomeRule {
                    comment_contains: "[fail]".into(),
                    status: MachineActionStatus::Failed,
                },
                OutcomeRule {
                    comment_contains: "[timeout]".into(),
                    status: MachineActionStatus::TimeOut,
                },
            ],
        }
    }
}

impl ActionClock {
    /// The status an action created `elapsed` ago with `comment` has now (never `Cancelled`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use odata_filter::mde::MachineActionStatus as S;
    /// let clock = odata_filter::server::ActionClock::default();
    /// assert_eq!(clock.status_after(Duration::from_secs(1), "x"), S::Pending);
    /// assert_eq!(clock.status_after(Duration::from_secs(5), "x"), S::InProgress);
    /// assert_eq!(clock.status_after(Duration::from_secs(60), "x"), S::Succeeded);
    /// assert_eq!(clock.status_after(Duration::from_secs(60), "x [fail]"), S::Failed);
    /// ```
    pub fn status_after(&self, elapsed: Duration, comment: &str) -> MachineActionStatus {
        let t = elapsed.as_secs_f64();
        if t < self.pending_seconds {
            MachineActionStatus::Pending
        } else if t < self.pending_seconds + self.running_seconds {
            MachineActionStatus::InProgress
        } else {
            self.outcome
                .iter()
                .find(|r| comment.contains(&r.comment_contains))
                .map_or(MachineActionStatus::Succeeded, |r| r.status)
        }
    }
}

/// A final status picked by the request comment.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRule {
    /// Text the comment must contain.
    pub comment_contains: String,
    /// The final status (`Succeeded`, `Failed` or `TimeOut`).
    pub status: MachineActionStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_roles_are_rejected() {
        assert!(Config::from_toml("audiense = 'x'")
            .unwrap_err()
            .contains("audiense"));
        let err = Config::from_toml(
            "[[application]]\nclient_id='a'\nclient_secret='b'\nroles=['Machine.Fly']",
        )
        .unwrap_err();
        assert!(err.contains("unknown role 'Machine.Fly'"), "{err}");
        assert!(Config::from_toml("[limits]\nrate=[{calls=0, seconds=1}]").is_err());
    }

    #[test]
    fn rate_limit_flag_syntax() {
        assert_eq!(
            "100/60".parse::<RateLimit>(),
            Ok(RateLimit {
                calls: 100,
                seconds: 60.0
            })
        );
        assert!("100".parse::<RateLimit>().is_err());
        assert!("0/60".parse::<RateLimit>().is_err());
        assert!("5/-1".parse::<RateLimit>().is_err());
    }

    #[test]
    fn default_limits_are_the_services() {
        let l = RequestLimits::default();
        assert_eq!(
            l.rate,
            [
                RateLimit {
                    calls: 100,
                    seconds: 60.0
                },
                RateLimit {
                    calls: 1500,
                    seconds: 3600.0
                }
            ]
        );
        assert!(RequestLimits::lifted().rate.is_empty());
        assert_eq!(RequestLimits::lifted().request_timeout(), None);
    }
}
