//! Field handles and enums of the MDE entity sets: `MachineActions` and `Machines`. Kept apart from
//! the generic builder so that they can move with the rest of the MDE knowledge.

use chrono::{DateTime, FixedOffset};

use super::{CollectionHandle, FieldType, Handle, Ordered};
use crate::schema::EdmType;
use crate::value::{EnumValue, Uuid, Value};

macro_rules! mde_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// The member name in the schema.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant),)* }
            }
        }

        enum_field_type!($name);
    };
}

/// Makes an enum with a `name()` method (the member name in the schema) a field type of the builder; the
/// schema's enum type must have the same name as the Rust type.
macro_rules! enum_field_type {
    ($name:ident) => {
        impl FieldType for $name {
            fn fits(ty: &EdmType) -> bool {
                matches!(ty, EdmType::Enum(e) if e.name() == stringify!($name))
            }
            fn to_value(&self, ty: &EdmType) -> Value {
                match ty {
                    EdmType::Enum(e) => match EnumValue::from_member(e, self.name()) {
                        Some(v) => Value::Enum(v),
                        None => Value::Null,
                    },
                    _ => Value::Null,
                }
            }
        }
        impl Ordered for $name {}
    };
}

/// Handle handles and enums of the MDE `MachineActions` entity set ([`crate::schema::machine_actions`]).
pub mod machine_actions {
    use super::*;
    use crate::schema::machine_actions as set;

    // The same enums as the typed records of `crate::model`: one Rust type per schema enum.
    pub use crate::model::{MachineActionStatus, MachineActionType};
    enum_field_type!(MachineActionType);
    enum_field_type!(MachineActionStatus);

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

/// Handle handles and enums of the MDE `Machines` entity set ([`crate::schema::machines`]).
///
/// ```
/// use odata_filter::builder::machines::{self, DeviceHealthStatus, DeviceRiskScore};
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
    use crate::schema::machines as set;

    mde_enum! {
        /// `DeviceHealthStatus`
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

    mde_enum! {
        /// `DeviceRiskScore`
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

    mde_enum! {
        /// `ExposureLevel`
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

    mde_enum! {
        /// `OnboardingStatus`
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

    mde_enum! {
        /// `DeviceValue`
        DeviceValue {
            /// Normal.
            Normal,
            /// Low.
            Low,
            /// High.
            High,
        }
    }

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
