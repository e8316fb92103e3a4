//! The built-in Microsoft Defender for Endpoint entity sets (see `shared/spec/MDE.md`).

use std::sync::{Arc, OnceLock};

use super::{EdmType, EntitySet, EnumType, StructuredType};

/// The namespace of MDE's model: `microsoft.windowsDefenderATP.api`.
pub const MDE_NAMESPACE: &str = "microsoft.windowsDefenderATP.api";

fn enum_type<'a>(name: &str, members: impl IntoIterator<Item = &'a str>) -> Arc<EnumType> {
    members
        .into_iter()
        .fold(EnumType::builder(MDE_NAMESPACE, name), |b, m| b.member(m))
        .build()
        .expect("built-in enum types are valid")
}

/// The `MachineActions` entity set of "List MachineActions": entity type `MachineAction` with every
/// documented property (in the key order of a real response), `$filter` on `id`, `type`, `requestor`,
/// `status`, `machineId`, `creationDateTimeUtc`, and `$top` capped at 10,000.
///
/// ```
/// let set = odata_filter::schema::machine_actions();
/// assert_eq!(set.entity_type().name(), "MachineAction");
/// assert_eq!(set.top_cap(), Some(10_000));
/// ```
pub fn machine_actions() -> &'static EntitySet {
    static SET: OnceLock<EntitySet> = OnceLock::new();
    SET.get_or_init(build_machine_actions)
}

fn build_machine_actions() -> EntitySet {
    // The members come from the typed records of `crate::model`, so schema and model cannot disagree.
    use crate::model::{
        CommandStatus, FileIdentifierType, LiveResponseCommandType, MachineActionStatus,
        MachineActionType,
    };
    let action_type = enum_type(
        "MachineActionType",
        MachineActionType::ALL.iter().map(|m| m.name()),
    );
    let action_status = enum_type(
        "MachineActionStatus",
        MachineActionStatus::ALL.iter().map(|m| m.name()),
    );
    let file_identifier_type = enum_type(
        "FileIdentifierType",
        FileIdentifierType::ALL.iter().map(|m| m.name()),
    );
    let command_status = enum_type(
        "LiveResponseCommandStatus",
        CommandStatus::ALL.iter().map(|m| m.name()),
    );
    let command_type = enum_type(
        "LiveResponseCommandType",
        LiveResponseCommandType::ALL.iter().map(|m| m.name()),
    );
    let related_file_info = StructuredType::complex(MDE_NAMESPACE, "RelatedFileInfo")
        .nullable("fileIdentifier", EdmType::String)
        .nullable("fileIdentifierType", EdmType::Enum(file_identifier_type))
        .build()
        .expect("valid");
    let key_value = StructuredType::complex(MDE_NAMESPACE, "KeyValuePair")
        .nullable("key", EdmType::String)
        .nullable("value", EdmType::String)
        .build()
        .expect("valid");
    let command = StructuredType::complex(MDE_NAMESPACE, "LiveResponseCommandDefinition")
        .property("type", EdmType::Enum(command_type))
        .property(
            "params",
            EdmType::Collection(Box::new(EdmType::Complex(key_value))),
        )
        .build()
        .expect("valid");
    let live_response_command = StructuredType::complex(MDE_NAMESPACE, "LiveResponseCommand")
        .property("index", EdmType::Int32)
        .nullable("startTime", EdmType::DateTimeOffset)
        .nullable("endTime", EdmType::DateTimeOffset)
        .property("commandStatus", EdmType::Enum(command_status))
        .property("errors", EdmType::Collection(Box::new(EdmType::String)))
        .nullable("command", EdmType::Complex(command))
        .build()
        .expect("valid");
    let machine_action = StructuredType::entity(MDE_NAMESPACE, "MachineAction")
        .property("id", EdmType::Guid)
        .property("type", EdmType::Enum(action_type))
        .nullable("title", EdmType::String)
        .property("requestor", EdmType::String)
        .nullable("requestorComment", EdmType::String)
        .property("status", EdmType::Enum(action_status))
        .nullable("machineId", EdmType::String)
        .nullable("computerDnsName", EdmType::String)
        .property("creationDateTimeUtc", EdmType::DateTimeOffset)
        .property("lastUpdateDateTimeUtc", EdmType::DateTimeOffset)
        .nullable("cancellationRequestor", EdmType::String)
        .nullable("cancellationComment", EdmType::String)
        .nullable("cancellationDateTimeUtc", EdmType::DateTimeOffset)
        .property("errorHResult", EdmType::Int32)
        .nullable("scope", EdmType::String)
        .nullable("externalId", EdmType::String)
        .nullable("requestSource", EdmType::String)
        .nullable("relatedFileInfo", EdmType::Complex(related_file_info))
        .property(
            "commands",
            EdmType::Collection(Box::new(EdmType::Complex(live_response_command))),
        )
        // Always null in captures; its real type is undocumented, so it is modelled as a string.
        .nullable("troubleshootInfo", EdmType::String)
        .build()
        .expect("valid");
    EntitySet::builder("MachineActions", machine_action)
        .filterable([
            "id",
            "status",
            "machineId",
            "type",
            "requestor",
            "creationDateTimeUtc",
        ])
        .top_cap(10_000)
        .build()
        .expect("valid")
}

/// The `Machines` entity set of MDE's "List machines" API: entity type `Machine`, `$filter` on
/// `computerDnsName`, `id`, `version`, `deviceValue`, `aadDeviceId`, `machineTags`, `lastSeen`,
/// `exposureLevel`, `onboardingStatus`, `lastIpAddress`, `healthStatus`, `osPlatform`, `riskScore`,
/// `rbacGroupId`, and `$top` capped at 10,000.
///
/// ```
/// let set = odata_filter::schema::machines();
/// assert_eq!(set.entity_type().name(), "Machine");
/// ```
pub fn machines() -> &'static EntitySet {
    static SET: OnceLock<EntitySet> = OnceLock::new();
    SET.get_or_init(build_machines)
}

fn build_machines() -> EntitySet {
    let health_status = enum_type(
        "DeviceHealthStatus",
        [
            "Active",
            "Inactive",
            "ImpairedCommunication",
            "NoSensorData",
            "NoSensorDataImpairedCommunication",
            "Unknown",
        ],
    );
    let risk_score = enum_type(
        "DeviceRiskScore",
        ["None", "Informational", "Low", "Medium", "High"],
    );
    let exposure_level = enum_type("ExposureLevel", ["None", "Low", "Medium", "High"]);
    let onboarding_status = enum_type(
        "OnboardingStatus",
        [
            "Onboarded",
            "CanBeOnboarded",
            "Unsupported",
            "InsufficientInfo",
        ],
    );
    let device_value = enum_type("DeviceValue", ["Normal", "Low", "High"]);
    let ip_address = StructuredType::complex(MDE_NAMESPACE, "IpAddress")
        .nullable("ipAddress", EdmType::String)
        .nullable("macAddress", EdmType::String)
        .nullable("type", EdmType::String)
        .nullable("operationalStatus", EdmType::String)
        .build()
        .expect("valid");
    let machine = StructuredType::entity(MDE_NAMESPACE, "Machine")
        .property("id", EdmType::String)
        .nullable("computerDnsName", EdmType::String)
        .nullable("firstSeen", EdmType::DateTimeOffset)
        .nullable("lastSeen", EdmType::DateTimeOffset)
        .nullable("osPlatform", EdmType::String)
        .nullable("osVersion", EdmType::String)
        .nullable("osProcessor", EdmType::String)
        .nullable("version", EdmType::String)
        .nullable("lastIpAddress", EdmType::String)
        .nullable("lastExternalIpAddress", EdmType::String)
        .nullable("osBuild", EdmType::Int64)
        .property("healthStatus", EdmType::Enum(health_status))
        .nullable("rbacGroupId", EdmType::Int64)
        .nullable("rbacGroupName", EdmType::String)
        .property("riskScore", EdmType::Enum(risk_score))
        .property("exposureLevel", EdmType::Enum(exposure_level))
        .nullable("isAadJoined", EdmType::Boolean)
        .nullable("aadDeviceId", EdmType::Guid)
        .property(
            "machineTags",
            EdmType::Collection(Box::new(EdmType::String)),
        )
        .property("onboardingStatus", EdmType::Enum(onboarding_status))
        .property("deviceValue", EdmType::Enum(device_value))
        .property(
            "ipAddresses",
            EdmType::Collection(Box::new(EdmType::Complex(ip_address))),
        )
        .build()
        .expect("valid");
    EntitySet::builder("Machines", machine)
        .filterable([
            "computerDnsName",
            "id",
            "version",
            "deviceValue",
            "aadDeviceId",
            "machineTags",
            "lastSeen",
            "exposureLevel",
            "onboardingStatus",
            "lastIpAddress",
            "healthStatus",
            "osPlatform",
            "riskScore",
            "rbacGroupId",
        ])
        .top_cap(10_000)
        .build()
        .expect("valid")
}
