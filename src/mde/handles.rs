//! Field handles of the MDE entity sets for the typed [`builder`](crate::builder): one function per
//! filterable property of `MachineActions` and `Machines`, typed with the models' own Rust types.

use chrono::{DateTime, FixedOffset};

use crate::builder::{CollectionHandle, FieldType, Handle};
use crate::value::Uuid;

/// Field handles of the MDE `MachineActions` entity set ([`crate::mde::machine_actions`]).
pub mod machine_actions {
    use super::*;
    use crate::mde::machine_actions as set;

    pub use crate::mde::{MachineActionStatus, MachineActionType};

    fn field<T: FieldType>(name: &str) -> Handle<T> {
        Handle::new(set(), name).expect("the built-in schema has this property with this type")
    }

    /// `id` (Edm.Guid)
    pub fn id() -> Handle<Uuid> {
        field("id")
    }
    /// `type` (MachineActionType)
    pub fn type_() -> Handle<MachineActionType> {
        field("type")
    }
    /// `status` (MachineActionStatus)
    pub fn status() -> Handle<MachineActionStatus> {
        field("status")
    }
    /// `machineId` (Edm.String, nullable)
    pub fn machine_id() -> Handle<String> {
        field("machineId")
    }
    /// `requestor` (Edm.String)
    pub fn requestor() -> Handle<String> {
        field("requestor")
    }
    /// `creationDateTimeUtc` (Edm.DateTimeOffset)
    pub fn creation_date_time_utc() -> Handle<DateTime<FixedOffset>> {
        field("creationDateTimeUtc")
    }
}

/// Field handles of the MDE `Machines` entity set ([`crate::mde::machines`]).
///
/// ```
/// use odata_filter::mde::handles::machines::{self, DeviceHealthStatus, DeviceRiskScore};
/// let f = machines::health_status()
///     .eq(DeviceHealthStatus::Active)
///     .and(machines::risk_score().ge(DeviceRiskScore::Medium))
///     .and(machines::machine_tags().any_eq("prod"));
/// assert_eq!(
///     f.to_string(),
///     "healthStatus eq 'Active' and riskScore ge 'Medium' and machineTags/any(x: x eq 'prod')"
/// );
/// ```
pub mod machines {
    use super::*;
    use crate::mde::machines as set;

    pub use crate::mde::{
        DeviceHealthStatus, DeviceRiskScore, DeviceValue, ExposureLevel, OnboardingStatus,
    };

    fn field<T: FieldType>(name: &str) -> Handle<T> {
        Handle::new(set(), name).expect("the built-in schema has this property with this type")
    }

    /// `computerDnsName` (Edm.String)
    pub fn computer_dns_name() -> Handle<String> {
        field("computerDnsName")
    }
    /// `id` (Edm.String: MDE machine ids are 40 hex characters)
    pub fn id() -> Handle<String> {
        field("id")
    }
    /// `version` (Edm.String)
    pub fn version() -> Handle<String> {
        field("version")
    }
    /// `deviceValue` (DeviceValue)
    pub fn device_value() -> Handle<DeviceValue> {
        field("deviceValue")
    }
    /// `aadDeviceId` (Edm.Guid)
    pub fn aad_device_id() -> Handle<Uuid> {
        field("aadDeviceId")
    }
    /// `machineTags` (Collection(Edm.String))
    pub fn machine_tags() -> CollectionHandle<String> {
        CollectionHandle::new(set(), "machineTags")
            .expect("the built-in schema has this property with this type")
    }
    /// `lastSeen` (Edm.DateTimeOffset)
    pub fn last_seen() -> Handle<DateTime<FixedOffset>> {
        field("lastSeen")
    }
    /// `exposureLevel` (ExposureLevel)
    pub fn exposure_level() -> Handle<ExposureLevel> {
        field("exposureLevel")
    }
    /// `onboardingStatus` (OnboardingStatus)
    pub fn onboarding_status() -> Handle<OnboardingStatus> {
        field("onboardingStatus")
    }
    /// `lastIpAddress` (Edm.String)
    pub fn last_ip_address() -> Handle<String> {
        field("lastIpAddress")
    }
    /// `healthStatus` (DeviceHealthStatus)
    pub fn health_status() -> Handle<DeviceHealthStatus> {
        field("healthStatus")
    }
    /// `osPlatform` (Edm.String)
    pub fn os_platform() -> Handle<String> {
        field("osPlatform")
    }
    /// `riskScore` (DeviceRiskScore)
    pub fn risk_score() -> Handle<DeviceRiskScore> {
        field("riskScore")
    }
    /// `rbacGroupId` (Edm.Int64)
    pub fn rbac_group_id() -> Handle<i64> {
        field("rbacGroupId")
    }
}
