//! MDE's entities as typed Rust structs: `MachineAction` and `Machine`. Each struct is declared once;
//! its serde form is the service's wire format and its derives make the entity set for validation and
//! the typed record access of compiled filters.
//!
//! Keys are written in the order a real response has them (`id, type, title, requestor, …,
//! troubleshootInfo`), every nullable property is written (as `null` when absent), and date-times carry
//! seven fractional digits and `Z`, as .NET writes them: `2018-12-04T12:43:57.2011911Z`.
//!
//! ```
//! use odata_filter::mde::MachineAction;
//! let json = r#"{"id":"2e9da30d-27f6-4208-81f2-9cd3d67893ba","type":"RunAntiVirusScan",
//!   "requestor":"Analyst@contoso.com","status":"Succeeded",
//!   "creationDateTimeUtc":"2018-12-04T12:18:27.1293487Z",
//!   "lastUpdateDateTimeUtc":"2018-12-04T12:18:57.5511934Z"}"#;
//! let action: MachineAction = serde_json::from_str(json).unwrap();
//! let text = serde_json::to_string(&action).unwrap();
//! assert!(text.starts_with(r#"{"id":"2e9da30d-27f6-4208-81f2-9cd3d67893ba","type":"RunAntiVirusScan","title":null,"#));
//! assert!(text.contains(r#""creationDateTimeUtc":"2018-12-04T12:18:27.1293487Z""#));
//! ```
//!
//! Date-times are kept at 100 ns precision (.NET ticks) on the wire; in memory they are
//! [`chrono::DateTime<FixedOffset>`] values that keep the offset as written (MDE always writes `Z`),
//! so a record re-serialises byte-exactly and date parts (`year`, `hour`, …) read the value's own
//! offset, as in the JSON and SQL paths. Ordering compares instants.

use std::fmt;

use chrono::{DateTime, FixedOffset, Offset, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::MDE_NAMESPACE;
use crate::typed::Enum;
use crate::{ComplexType, EntityType, EnumType};

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident ),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumType)]
        $(#[$doc])*
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
        }

        impl $name {
            /// Every member, in declared order (the order `gt`/`lt` compare by).
            pub const ALL: &'static [$name] = <$name as Enum>::MEMBERS;

            /// The member name as written on the wire.
            pub fn name(self) -> &'static str {
                self.member_name()
            }

            /// The member with this exact (case-sensitive) name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|m| m.name() == name)
            }

            /// The position of the member in declared order, starting at 0.
            pub const fn ordinal(self) -> u32 {
                self as u32
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

wire_enum! {
    /// `MachineActionType`: what the action does.
    #[odata(namespace = MDE_NAMESPACE)]
    ///
    /// ```
    /// use odata_filter::mde::MachineActionType;
    /// assert_eq!(MachineActionType::from_name("Isolate"), Some(MachineActionType::Isolate));
    /// assert_eq!(MachineActionType::Isolate.ordinal(), 4);
    /// ```
    MachineActionType {
        /// Antivirus scan (scope `Quick` or `Full`).
        RunAntiVirusScan,
        /// Offboard the device.
        Offboard,
        /// A live response session (see `commands`).
        LiveResponse,
        /// Collect an investigation package.
        CollectInvestigationPackage,
        /// Isolate from the network (scope `Full` or `Selective`).
        Isolate,
        /// Release from isolation.
        Unisolate,
        /// Stop a file and quarantine it (see `relatedFileInfo`).
        StopAndQuarantineFile,
        /// Restrict app execution.
        RestrictCodeExecution,
        /// Remove the app execution restriction.
        UnrestrictCodeExecution,
    }
}

wire_enum! {
    /// `MachineActionStatus`: where the action is in its life cycle.
    #[odata(namespace = MDE_NAMESPACE)]
    ///
    /// ```
    /// use odata_filter::mde::MachineActionStatus;
    /// assert!(MachineActionStatus::Pending < MachineActionStatus::Succeeded);
    /// ```
    MachineActionStatus {
        /// Not started.
        Pending,
        /// Running.
        InProgress,
        /// Done.
        Succeeded,
        /// Failed.
        Failed,
        /// Timed out.
        TimeOut,
        /// Cancelled by a user.
        Cancelled,
    }
}

wire_enum! {
    /// The kind of hash in `relatedFileInfo`.
    #[odata(namespace = MDE_NAMESPACE)]
    FileIdentifierType {
        /// SHA-1 (40 hex digits).
        Sha1,
        /// SHA-256 (64 hex digits).
        Sha256,
        /// MD5 (32 hex digits).
        Md5,
    }
}

wire_enum! {
    /// The status of one live response command.
    #[odata(namespace = MDE_NAMESPACE, name = "LiveResponseCommandStatus")]
    CommandStatus {
        /// Queued.
        Created,
        /// Finished.
        Completed,
        /// Failed.
        Failed,
    }
}

wire_enum! {
    /// The kind of a live response command.
    #[odata(namespace = MDE_NAMESPACE)]
    LiveResponseCommandType {
        /// Upload a file from the library to the device.
        PutFile,
        /// Run a script from the library.
        RunScript,
        /// Download a file from the device.
        GetFile,
    }
}

/// The file a `StopAndQuarantineFile` action is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ComplexType)]
#[serde(rename_all = "camelCase")]
#[odata(namespace = MDE_NAMESPACE)]
pub struct RelatedFileInfo {
    /// The hash, in hex.
    #[odata(nullable)]
    pub file_identifier: String,
    /// Which hash.
    #[odata(nullable)]
    pub file_identifier_type: FileIdentifierType,
}

/// A `{key, value}` parameter of a live response command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ComplexType)]
#[odata(namespace = MDE_NAMESPACE, name = "KeyValuePair")]
pub struct CommandParam {
    /// Parameter name: `ScriptName`, `Path`, `FileName`, `Args`.
    #[odata(nullable)]
    pub key: String,
    /// Parameter value.
    #[odata(nullable)]
    pub value: String,
}

/// The command of a live response step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ComplexType)]
#[odata(namespace = MDE_NAMESPACE, name = "LiveResponseCommandDefinition")]
pub struct Command {
    /// What to do.
    #[serde(rename = "type")]
    pub command_type: LiveResponseCommandType,
    /// Its parameters.
    #[serde(default)]
    pub params: Vec<CommandParam>,
}

/// One element of `commands` (`LiveResponseCommand`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ComplexType)]
#[serde(rename_all = "camelCase")]
#[odata(namespace = MDE_NAMESPACE)]
pub struct LiveResponseCommand {
    /// Position in the session, from 0.
    pub index: i32,
    /// When the command started.
    #[serde(with = "opt_wire_datetime", default)]
    pub start_time: Option<DateTime<FixedOffset>>,
    /// When the command ended.
    #[serde(with = "opt_wire_datetime", default)]
    pub end_time: Option<DateTime<FixedOffset>>,
    /// Its status.
    pub command_status: CommandStatus,
    /// Error texts.
    #[serde(default)]
    pub errors: Vec<String>,
    /// The command itself.
    #[odata(nullable)]
    pub command: Command,
}

/// An MDE machine action (the `MachineAction` entity of the `MachineActions` set of "List
/// MachineActions"), in the wire format's key order: `$filter` on `id`, `type`, `requestor`, `status`,
/// `machineId`, `creationDateTimeUtc`; `$top` capped at 10,000; newest first, then by id, without
/// `$orderby`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, EntityType)]
#[serde(rename_all = "camelCase")]
#[odata(
    namespace = MDE_NAMESPACE,
    entity_set = "MachineActions",
    top_cap = 10_000,
    default_order = "creationDateTimeUtc desc, id"
)]
pub struct MachineAction {
    /// Identity of the action.
    #[serde(with = "wire_guid")]
    #[odata(filterable)]
    pub id: Uuid,
    /// The kind of action (`type` on the wire).
    #[serde(rename = "type")]
    #[odata(filterable)]
    pub action_type: MachineActionType,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Who asked for it: a UPN or an application id.
    #[odata(filterable)]
    pub requestor: String,
    /// The comment given with the request.
    #[serde(default)]
    pub requestor_comment: Option<String>,
    /// Current status.
    #[odata(filterable)]
    pub status: MachineActionStatus,
    /// The device (40 hex digits).
    #[serde(default)]
    #[odata(filterable)]
    pub machine_id: Option<String>,
    /// The device's DNS name.
    #[serde(default)]
    pub computer_dns_name: Option<String>,
    /// When the action was created.
    #[serde(with = "wire_datetime")]
    #[odata(filterable)]
    pub creation_date_time_utc: DateTime<FixedOffset>,
    /// When its status last changed (the service may omit it).
    #[serde(with = "opt_wire_datetime", default)]
    pub last_update_date_time_utc: Option<DateTime<FixedOffset>>,
    /// Who cancelled it.
    #[serde(default)]
    pub cancellation_requestor: Option<String>,
    /// Why it was cancelled.
    #[serde(default)]
    pub cancellation_comment: Option<String>,
    /// When it was cancelled.
    #[serde(with = "opt_wire_datetime", default)]
    pub cancellation_date_time_utc: Option<DateTime<FixedOffset>>,
    /// HRESULT of the failure, 0 when none.
    #[serde(default)]
    pub error_h_result: i32,
    /// `Full`/`Selective` for isolation, `Quick`/`Full` for an antivirus scan.
    #[serde(default)]
    pub scope: Option<String>,
    /// The caller's correlation id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Where the request came from, e.g. `PublicApi`, `Portal`.
    #[serde(default)]
    pub request_source: Option<String>,
    /// The file of a `StopAndQuarantineFile` action.
    #[serde(default)]
    pub related_file_info: Option<RelatedFileInfo>,
    /// The steps of a `LiveResponse` action (empty otherwise).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub commands: Vec<LiveResponseCommand>,
    /// Not documented; `null` in every capture. Kept as raw JSON; its type is unknown, so the schema
    /// says string.
    #[serde(default)]
    #[odata(edm = "Edm.String")]
    pub troubleshoot_info: Option<serde_json::Value>,
}

wire_enum! {
    /// `DeviceHealthStatus`: whether the sensor reports.
    #[odata(namespace = MDE_NAMESPACE)]
    DeviceHealthStatus {
        /// Reporting normally.
        Active,
        /// Stopped reporting.
        Inactive,
        /// Impaired communication.
        ImpairedCommunication,
        /// No sensor data.
        NoSensorData,
        /// No sensor data and impaired communication.
        NoSensorDataImpairedCommunication,
        /// Unknown.
        Unknown,
    }
}

wire_enum! {
    /// `DeviceRiskScore`
    #[odata(namespace = MDE_NAMESPACE)]
    DeviceRiskScore {
        /// No risk.
        None,
        /// Informational.
        Informational,
        /// Low.
        Low,
        /// Medium.
        Medium,
        /// High.
        High,
    }
}

wire_enum! {
    /// `ExposureLevel`
    #[odata(namespace = MDE_NAMESPACE)]
    ExposureLevel {
        /// No exposure.
        None,
        /// Low.
        Low,
        /// Medium.
        Medium,
        /// High.
        High,
    }
}

wire_enum! {
    /// `OnboardingStatus`
    #[odata(namespace = MDE_NAMESPACE)]
    OnboardingStatus {
        /// Onboarded.
        Onboarded,
        /// Can be onboarded.
        CanBeOnboarded,
        /// Unsupported.
        Unsupported,
        /// Not enough information.
        InsufficientInfo,
    }
}

wire_enum! {
    /// `DeviceValue`
    #[odata(namespace = MDE_NAMESPACE)]
    DeviceValue {
        /// Normal.
        Normal,
        /// Low.
        Low,
        /// High.
        High,
    }
}

/// One network adapter of a machine (`IpAddress`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ComplexType)]
#[serde(rename_all = "camelCase")]
#[odata(namespace = MDE_NAMESPACE)]
pub struct IpAddress {
    /// The address.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// The adapter's MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// The adapter type, e.g. `Ethernet`.
    #[serde(default, rename = "type")]
    pub address_type: Option<String>,
    /// `Up`, `Down`, …
    #[serde(default)]
    pub operational_status: Option<String>,
}

/// An MDE device (the `Machine` entity of the `Machines` set of "List machines"): `$filter` on
/// `computerDnsName`, `id`, `version`, `deviceValue`, `aadDeviceId`, `machineTags`, `lastSeen`,
/// `exposureLevel`, `onboardingStatus`, `lastIpAddress`, `healthStatus`, `osPlatform`, `riskScore`,
/// `rbacGroupId`; `$top` capped at 10,000.
///
/// ```
/// use odata_filter::mde::Machine;
/// let json = r#"{"id":"1e5bc9d7e413ddd7902c2932e418702b84d0cc07","computerDnsName":"mymachine1.contoso.com",
///   "lastSeen":"2018-08-02T14:55:03.7791856Z","healthStatus":"Active","riskScore":"Low",
///   "exposureLevel":"Medium","onboardingStatus":"Onboarded","deviceValue":"Normal",
///   "machineTags":["test tag 1"],"aadDeviceId":"80fe8ff8-2624-418e-9591-41f0491218f9"}"#;
/// let machine: Machine = serde_json::from_str(json).unwrap();
/// assert_eq!(machine.machine_tags, ["test tag 1"]);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, EntityType)]
#[serde(rename_all = "camelCase")]
#[odata(namespace = MDE_NAMESPACE, entity_set = "Machines", top_cap = 10_000)]
pub struct Machine {
    /// Identity of the device (40 hex digits).
    #[odata(filterable)]
    pub id: String,
    /// Fully qualified DNS name.
    #[serde(default)]
    #[odata(filterable)]
    pub computer_dns_name: Option<String>,
    /// When MDE first saw the device.
    #[serde(with = "opt_wire_datetime", default)]
    pub first_seen: Option<DateTime<FixedOffset>>,
    /// When the device last reported.
    #[serde(with = "opt_wire_datetime", default)]
    #[odata(filterable)]
    pub last_seen: Option<DateTime<FixedOffset>>,
    /// Operating system, e.g. `Windows10`.
    #[serde(default)]
    #[odata(filterable)]
    pub os_platform: Option<String>,
    /// Operating system version.
    #[serde(default)]
    pub os_version: Option<String>,
    /// Processor architecture.
    #[serde(default)]
    pub os_processor: Option<String>,
    /// Operating system build version.
    #[serde(default)]
    #[odata(filterable)]
    pub version: Option<String>,
    /// The last local IP address.
    #[serde(default)]
    #[odata(filterable)]
    pub last_ip_address: Option<String>,
    /// The last IP address seen from the internet.
    #[serde(default)]
    pub last_external_ip_address: Option<String>,
    /// Operating system build number.
    #[serde(default)]
    pub os_build: Option<i64>,
    /// Sensor health.
    #[odata(filterable)]
    pub health_status: DeviceHealthStatus,
    /// The RBAC group's id.
    #[serde(default)]
    #[odata(filterable)]
    pub rbac_group_id: Option<i64>,
    /// The RBAC group's name.
    #[serde(default)]
    pub rbac_group_name: Option<String>,
    /// Risk score.
    #[odata(filterable)]
    pub risk_score: DeviceRiskScore,
    /// Exposure level.
    #[odata(filterable)]
    pub exposure_level: ExposureLevel,
    /// Joined to Microsoft Entra ID.
    #[serde(default)]
    pub is_aad_joined: Option<bool>,
    /// The Entra ID device id.
    #[serde(with = "opt_wire_guid", default)]
    #[odata(filterable)]
    pub aad_device_id: Option<Uuid>,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[odata(filterable)]
    pub machine_tags: Vec<String>,
    /// Onboarding status.
    #[odata(filterable)]
    pub onboarding_status: OnboardingStatus,
    /// The device's value to the organisation.
    #[odata(filterable)]
    pub device_value: DeviceValue,
    /// Network adapters.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub ip_addresses: Vec<IpAddress>,
}

/// The wire form of a date-time: seven fractional digits and the value's own offset, `Z` when it
/// is zero (as MDE writes it), else `±hh:mm`: `2018-12-04T12:43:57.2011911Z`.
pub(crate) fn format_wire_datetime<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    use chrono::{Datelike, Timelike};
    let offset = t.offset().fix().local_minus_utc();
    let t = t.with_timezone(&t.offset().fix());
    let ticks = t.nanosecond() % 1_000_000_000 / 100;
    let year = t.year();
    let year_text = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{year:+05}")
    };
    let offset_text = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let minutes = offset.unsigned_abs() / 60;
        let seconds = offset.unsigned_abs() % 60;
        if seconds == 0 {
            format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        } else {
            format!("{sign}{:02}:{:02}:{seconds:02}", minutes / 60, minutes % 60)
        }
    };
    format!(
        "{year_text}-{:02}-{:02}T{:02}:{:02}:{:02}.{ticks:07}{offset_text}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses an ISO 8601 / RFC 3339 date-time with an offset (any number of fractional digits, `Z` or
/// `±hh:mm`), keeping the offset as written. Returns `None` for anything else.
pub(crate) fn parse_wire_datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}

mod wire_datetime {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_wire_datetime(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        parse_wire_datetime(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid date-time '{text}'")))
    }
}

mod opt_wire_datetime {
    use super::*;

    pub fn serialize<S: Serializer>(
        t: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format_wire_datetime(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        let text = Option::<std::borrow::Cow<str>>::deserialize(d)?;
        match text {
            None => Ok(None),
            Some(text) => parse_wire_datetime(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("invalid date-time '{text}'"))),
        }
    }
}

mod wire_guid {
    use super::*;

    pub fn serialize<S: Serializer>(id: &Uuid, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&id.hyphenated())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Uuid, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Uuid::try_parse(&text)
            .map_err(|_| serde::de::Error::custom(format!("invalid guid '{text}'")))
    }
}

mod opt_wire_guid {
    use super::*;

    pub fn serialize<S: Serializer>(id: &Option<Uuid>, s: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(id) => s.collect_str(&id.hyphenated()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            None => Ok(None),
            Some(text) => Uuid::try_parse(&text)
                .map(Some)
                .map_err(|_| serde::de::Error::custom(format!("invalid guid '{text}'"))),
        }
    }
}

fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{"id":"44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e","type":"StopAndQuarantineFile","title":null,"requestor":"Analyst@contoso.com","requestorComment":"test","status":"Succeeded","machineId":"f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f","computerDnsName":"desktop-39g9tgl","creationDateTimeUtc":"2018-12-04T12:15:40.6052029Z","lastUpdateDateTimeUtc":"2018-12-04T12:16:14.2899973Z","cancellationRequestor":null,"cancellationComment":null,"cancellationDateTimeUtc":null,"errorHResult":0,"scope":null,"externalId":null,"requestSource":"PublicApi","relatedFileInfo":{"fileIdentifier":"a0c659857ccbe457fdaf5fe21d54efdcbf6f6508","fileIdentifierType":"Sha1"},"commands":[{"index":0,"startTime":"2021-05-12T16:34:59.2823418Z","endTime":null,"commandStatus":"Completed","errors":[],"command":{"type":"RunScript","params":[{"key":"ScriptName","value":"minidump.ps1"}]}}],"troubleshootInfo":null}"#;

    #[test]
    fn wire_round_trip_is_byte_exact() {
        let a: MachineAction = serde_json::from_str(FULL).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), FULL);
    }

    #[test]
    fn offsets_are_kept_as_written_and_ticks_kept() {
        let t = parse_wire_datetime("2018-12-04T13:15:40.60520299+01:00").unwrap();
        assert_eq!(
            format_wire_datetime(&t),
            "2018-12-04T13:15:40.6052029+01:00"
        );
        // The same instant as before, in UTC.
        assert_eq!(
            format_wire_datetime(&t.to_utc()),
            "2018-12-04T12:15:40.6052029Z"
        );
        let t = parse_wire_datetime("2023-12-31T23:59:59.9999999-05:00").unwrap();
        assert_eq!(
            format_wire_datetime(&t),
            "2023-12-31T23:59:59.9999999-05:00"
        );
        assert_eq!(
            format_wire_datetime(&parse_wire_datetime("2024-01-01T00:00:00+00:00").unwrap()),
            "2024-01-01T00:00:00.0000000Z"
        );
        assert!(parse_wire_datetime("2018-12-04T13:15:40").is_none());
        assert!(parse_wire_datetime("").is_none());
    }

    /// The examples that were these functions' doc tests while they were public.
    #[test]
    fn wire_datetime_examples() {
        use chrono::Utc;
        let t = Utc.with_ymd_and_hms(2018, 12, 4, 12, 43, 57).unwrap();
        assert_eq!(format_wire_datetime(&t), "2018-12-04T12:43:57.0000000Z");
        let est = FixedOffset::west_opt(5 * 3600).unwrap();
        let t = est.with_ymd_and_hms(2023, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(
            format_wire_datetime(&t),
            "2023-12-31T23:59:59.0000000-05:00"
        );

        let t = parse_wire_datetime("2018-12-04T14:43:57.2011911+02:00").unwrap();
        assert_eq!(
            format_wire_datetime(&t),
            "2018-12-04T14:43:57.2011911+02:00"
        );
        assert_eq!(
            format_wire_datetime(&t.to_utc()),
            "2018-12-04T12:43:57.2011911Z"
        );
    }

    #[test]
    fn bad_enum_member_is_a_deserialization_error() {
        let bad = FULL.replace("\"Succeeded\"", "\"Done\"");
        assert!(serde_json::from_str::<MachineAction>(&bad).is_err());
    }

    #[test]
    fn null_commands_read_as_empty() {
        let text = FULL.replace(
            &FULL
                [FULL.find("\"commands\":[").unwrap()..FULL.find(",\"troubleshootInfo\"").unwrap()],
            "\"commands\":null",
        );
        let a: MachineAction = serde_json::from_str(&text).unwrap();
        assert!(a.commands.is_empty());
    }
}
