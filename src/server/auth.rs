//! Tokens: the client-credentials endpoint (`POST /{tenant}/oauth2/v2.0/token`) and the check of
//! `Authorization: Bearer …` on every API call (HS256 signature, audience, issuer, expiry, roles).

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::server::config::{Application, Config};

/// The identity platform's answer to a token request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// The JWT.
    pub access_token: String,
}

/// A refused token request: the identity platform's OAuth error (`invalid_client`, …) and status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// HTTP status: 400, or 401 for bad client credentials.
    pub status: u16,
    /// OAuth error code.
    pub error: &'static str,
    /// `error_description`, with the platform's AADSTS code.
    pub description: String,
}

impl TokenError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> TokenError {
        TokenError {
            status,
            error,
            description: description.into(),
        }
    }

    /// The response body: `{"error":…,"error_description":…,"error_codes":[…]}`.
    pub fn body(&self) -> String {
        let code: u64 = self
            .description
            .strip_prefix("AADSTS")
            .and_then(|d| d.split(':').next())
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        serde_json::json!({
            "error": self.error,
            "error_description": self.description,
            "error_codes": [code],
        })
        .to_string()
    }
}

/// Who is calling: the verified token's application and roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The application (client) id.
    pub app_id: String,
    /// Its application permissions.
    pub roles: Vec<String>,
}

impl Caller {
    /// Holds at least one of `roles`.
    pub fn has_any(&self, roles: &[&str]) -> bool {
        self.roles.iter().any(|r| roles.contains(&r.as_str()))
    }
}

/// Why a call is unauthenticated (a 401); the message is the response's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unauthorized(pub String);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    aud: String,
    iss: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    appid: String,
    azp: String,
    sub: String,
    tid: String,
    oid: String,
    roles: Vec<String>,
}

/// Issues and verifies tokens for the configured applications.
pub struct Authority {
    applications: Vec<Application>,
    audience: String,
    lifetime: u64,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The identity platform's issuer for a tenant.
fn issuer(tenant: &str) -> String {
    format!("https://sts.windows.net/{tenant}/")
}

impl Authority {
    /// Keys from `config.signing_key`, or 256 random bits.
    pub fn new(config: &Config) -> Authority {
        let key: Vec<u8> = match &config.signing_key {
            Some(k) => k.as_bytes().to_vec(),
            None => {
                let mut k = Vec::with_capacity(32);
                k.extend_from_slice(Uuid::new_v4().as_bytes());
                k.extend_from_slice(Uuid::new_v4().as_bytes());
                k
            }
        };
        Authority {
            applications: config.application.clone(),
            audience: config.audience.clone(),
            lifetime: config.token_lifetime_seconds,
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
        }
    }

    /// Answers a client-credentials request: `form` is the urlencoded body, `tenant` the path's.
    pub fn issue(&self, tenant: &str, form: &str) -> Result<TokenResponse, TokenError> {
        let mut grant = None;
        let mut client_id = None;
        let mut secret = None;
        let mut scope = None;
        for (k, v) in form_urlencoded::parse(form.as_bytes()) {
            let slot = match &*k {
                "grant_type" => &mut grant,
                "client_id" => &mut client_id,
                "client_secret" => &mut secret,
                "scope" => &mut scope,
                _ => continue,
            };
            *slot = Some(v.into_owned());
        }
        let missing = |p: &str| {
            TokenError::new(
                400,
                "invalid_request",
                format!(
                    "AADSTS900144: The request body must contain the following parameter: '{p}'."
                ),
            )
        };
        let grant = grant.ok_or_else(|| missing("grant_type"))?;
        if grant != "client_credentials" {
            return Err(TokenError::new(
                400,
                "unsupported_grant_type",
                format!("AADSTS70003: The app requested an unsupported grant type '{grant}'."),
            ));
        }
        let client_id = client_id.ok_or_else(|| missing("client_id"))?;
        let scope = scope.ok_or_else(|| missing("scope"))?;
        let secret = secret.ok_or_else(|| {
            TokenError::new(
                401,
                "invalid_client",
                "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
        })?;
        let Some(app) = self.applications.iter().find(|a| a.client_id == client_id) else {
            return Err(TokenError::new(
                400,
                "unauthorized_client",
                format!("AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
            ));
        };
        if app.client_secret != secret {
            return Err(TokenError::new(
                401,
                "invalid_client",
                format!("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
            ));
        }
        let resource = scope.trim().strip_suffix("/.default").unwrap_or("");
        let known = [
            self.audience.as_str(),
            "https://api.securitycenter.microsoft.com",
            "https://api.security.microsoft.com",
        ];
        if !known.contains(&resource.trim_end_matches('/')) {
            return Err(TokenError::new(
                400,
                "invalid_scope",
                format!("AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid. Expected '{}/.default'.", self.audience),
            ));
        }
        let now = now_seconds();
        let claims = Claims {
            aud: self.audience.clone(),
            iss: issuer(tenant),
            iat: now,
            nbf: now,
            exp: now + self.lifetime,
            appid: app.client_id.clone(),
            azp: app.client_id.clone(),
            sub: app.client_id.clone(),
            tid: tenant.to_string(),
            oid: app.client_id.clone(),
            roles: app.roles.clone(),
        };
        let access_token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| TokenError::new(400, "invalid_request", e.to_string()))?;
        Ok(TokenResponse {
            token_type: "Bearer".into(),
            expires_in: self.lifetime,
            access_token,
        })
    }

    /// Checks an `Authorization` header value.
    pub fn verify(&self, header: Option<&str>) -> Result<Caller, Unauthorized> {
        let header = header.ok_or_else(|| {
            Unauthorized("Authorization has been denied for this request.".into())
        })?;
        let token = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .map(|(_, t)| t.trim())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Unauthorized(
                    "Authorization has been denied for this request: expected 'Authorization: Bearer <token>'."
                        .into(),
                )
            })?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[&self.audience]);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        let data = decode::<Claims>(token, &self.decoding, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            let why = match e.kind() {
                K::ExpiredSignature => "the token is expired",
                K::InvalidAudience => "the token's audience is not this API",
                K::InvalidSignature => "the token's signature is invalid",
                K::ImmatureSignature => "the token is not valid yet",
                _ => "the token is malformed",
            };
            Unauthorized(format!(
                "Authorization has been denied for this request: {why}."
            ))
        })?;
        let claims = data.claims;
        if !claims.iss.starts_with("https://sts.windows.net/") {
            return Err(Unauthorized(
                "Authorization has been denied for this request: unknown issuer.".into(),
            ));
        }
        Ok(Caller {
            app_id: claims.appid,
            roles: claims.roles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token issued for a configured application verifies, with its roles; anything else is refused.
    #[test]
    fn issued_tokens_verify_with_their_roles() {
        let mut config = Config::default();
        config.application.push(Application {
            client_id: "app".into(),
            client_secret: "secret".into(),
            roles: vec!["Machine.Read.All".into()],
        });
        let auth = Authority::new(&config);
        let form = "grant_type=client_credentials&client_id=app&client_secret=secret\
                    &scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default";
        let token = auth.issue("contoso", form).unwrap();
        assert_eq!(token.token_type, "Bearer");
        let caller = auth
            .verify(Some(&format!("Bearer {}", token.access_token)))
            .unwrap();
        assert_eq!(caller.app_id, "app");
        assert!(caller.has_any(&["Machine.Read.All", "Machine.ReadWrite.All"]));
        assert!(auth.verify(Some("Bearer not-a-token")).is_err());
        assert!(auth.verify(None).is_err());
    }

    fn authority(lifetime: u64) -> Authority {
        let mut config = Config {
            token_lifetime_seconds: lifetime,
            ..Config::default()
        };
        config.application.push(Application {
            client_id: "app".into(),
            client_secret: "pw".into(),
            roles: vec!["Machine.Scan".into()],
        });
        Authority::new(&config)
    }

    const SCOPE: &str = "scope=https://api.security.microsoft.com/.default";

    #[test]
    fn token_requests_are_checked_like_the_identity_platform() {
        let a = authority(60);
        let e = a
            .issue("t", &format!("client_id=app&client_secret=pw&{SCOPE}"))
            .unwrap_err();
        assert_eq!((e.status, e.error), (400, "invalid_request"));
        assert!(
            e.body().contains(r#""error_codes":[900144]"#),
            "{}",
            e.body()
        );
        let e = a
            .issue(
                "t",
                &format!("grant_type=password&client_id=app&client_secret=pw&{SCOPE}"),
            )
            .unwrap_err();
        assert_eq!(e.error, "unsupported_grant_type");
        let e = a
            .issue(
                "t",
                &format!("grant_type=client_credentials&client_id=app&client_secret=no&{SCOPE}"),
            )
            .unwrap_err();
        assert_eq!((e.status, e.error), (401, "invalid_client"));
        let e = a
            .issue(
                "t",
                &format!("grant_type=client_credentials&client_id=who&client_secret=pw&{SCOPE}"),
            )
            .unwrap_err();
        assert_eq!(e.error, "unauthorized_client");
        let e = a
            .issue(
                "t",
                "grant_type=client_credentials&client_id=app&client_secret=pw&scope=https://graph.microsoft.com/.default",
            )
            .unwrap_err();
        assert_eq!(e.error, "invalid_scope");
    }

    #[test]
    fn tokens_of_another_key_or_audience_or_expired_are_refused() {
        let a = authority(60);
        let form = format!("grant_type=client_credentials&client_id=app&client_secret=pw&{SCOPE}");
        let t = a.issue("t", &form).unwrap().access_token;
        assert_eq!(
            a.verify(Some(&format!("bearer {t}"))).unwrap().roles,
            ["Machine.Scan"]
        );
        let other = authority(60);
        let msg = other.verify(Some(&format!("Bearer {t}"))).unwrap_err().0;
        assert!(msg.contains("signature"), "{msg}");
        let mut config = Config {
            audience: "https://elsewhere".into(),
            signing_key: Some("k".into()),
            ..Config::default()
        };
        config.application = a.applications.clone();
        let elsewhere = Authority::new(&config);
        let t2 = elsewhere
            .issue(
                "t",
                "grant_type=client_credentials&client_id=app&client_secret=pw&scope=https://elsewhere/.default",
            )
            .unwrap()
            .access_token;
        let same_key_other_aud = Authority::new(&Config {
            signing_key: Some("k".into()),
            ..Config::default()
        });
        let msg = same_key_other_aud
            .verify(Some(&format!("Bearer {t2}")))
            .unwrap_err()
            .0;
        assert!(msg.contains("audience"), "{msg}");
        let expired = authority(0);
        let t3 = expired.issue("t", &form).unwrap().access_token;
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let msg = expired.verify(Some(&format!("Bearer {t3}"))).unwrap_err().0;
        assert!(msg.contains("expired"), "{msg}");
        for bad in [
            "",
            "Bearer",
            "Bearer ",
            "Basic abc",
            "Bearer a.b.c",
            "Bearer ✓",
        ] {
            assert!(a.verify(Some(bad)).is_err(), "{bad}");
        }
    }
}
