//! The facts of MDE's entity sets, written out by hand as the documentation states them: the derived
//! schemas must equal these (property order, types, nullability, enum members, filterable set, `$top`
//! cap).

use std::sync::Arc;

use super::*;
use crate::eval::{Field, Record};
use crate::schema::{EdmType, EnumType, StructuredType};
use crate::typed::Structured;

fn enum_type<'a>(name: &str, members: impl IntoIterator<Item = &'a str>) -> Arc<EnumType> {
    members
        .into_iter()
        .fold(EnumType::builder(MDE_NAMESPACE, name), |b, m| b.member(m))
        .build()
        .expect("built-in enum types are valid")
}

fn build_machine_actions() -> EntitySet {
    let action_type = enum_type(
        "MachineActionType",
        [
            "RunAntiVirusScan",
            "Offboard",
            "LiveResponse",
            "CollectInvestigationPackage",
            "Isolate",
            "Unisolate",
            "StopAndQuarantineFile",
            "RestrictCodeExecution",
            "UnrestrictCodeExecution",
        ],
    );
    let action_status = enum_type(
        "MachineActionStatus",
        [
            "Pending",
            "InProgress",
            "Succeeded",
            "Failed",
            "TimeOut",
            "Cancelled",
        ],
    );
    let file_identifier_type = enum_type("FileIdentifierType", ["Sha1", "Sha256", "Md5"]);
    let command_status = enum_type(
        "LiveResponseCommandStatus",
        ["Created", "Completed", "Failed"],
    );
    let command_type = enum_type(
        "LiveResponseCommandType",
        ["PutFile", "RunScript", "GetFile"],
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
        .default_order_key("creationDateTimeUtc", true)
        .default_order_key("id", false)
        .build()
        .expect("valid")
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

#[test]
fn derived_schemas_are_the_documented_ones() {
    assert_eq!(*machine_actions(), build_machine_actions());
    assert_eq!(*machines(), build_machines());
}

#[test]
fn machine_actions_matches_the_documented_table() {
    let set = machine_actions();
    let ty = set.entity_type();
    assert_eq!(set.name(), "MachineActions");
    assert_eq!(ty.name(), "MachineAction");
    assert_eq!(ty.properties().len(), 20);
    let filterable: Vec<&str> = set
        .filterable_properties()
        .map(|id| ty.properties()[id.index()].name())
        .collect();
    assert_eq!(
        filterable,
        [
            "id",
            "type",
            "requestor",
            "status",
            "machineId",
            "creationDateTimeUtc"
        ]
    );
    assert_eq!(set.top_cap(), Some(10_000));
    let status = &ty.properties()[ty.property_id("status").unwrap().index()];
    let EdmType::Enum(e) = status.ty() else {
        panic!("status is not an enum")
    };
    let names: Vec<&str> = e.members().iter().map(|m| m.name()).collect();
    assert_eq!(
        names,
        [
            "Pending",
            "InProgress",
            "Succeeded",
            "Failed",
            "TimeOut",
            "Cancelled"
        ]
    );
    assert_eq!(
        e.qualified_name(),
        "microsoft.windowsDefenderATP.api.MachineActionStatus"
    );
    // The documented order of MachineActionType (it decides `gt`/`lt` on `type`).
    let action_type = &ty.properties()[ty.property_id("type").unwrap().index()];
    let EdmType::Enum(t) = action_type.ty() else {
        panic!("type is not an enum")
    };
    let names: Vec<&str> = t.members().iter().map(|m| m.name()).collect();
    assert_eq!(
        names,
        [
            "RunAntiVirusScan",
            "Offboard",
            "LiveResponse",
            "CollectInvestigationPackage",
            "Isolate",
            "Unisolate",
            "StopAndQuarantineFile",
            "RestrictCodeExecution",
            "UnrestrictCodeExecution"
        ]
    );
    let machine_id = ty.property(ty.property_id("machineId").unwrap()).unwrap();
    assert!(machine_id.is_nullable());
    assert_eq!(
        ty.property(ty.property_id("commands").unwrap())
            .unwrap()
            .ty()
            .to_string(),
        "Collection(microsoft.windowsDefenderATP.api.LiveResponseCommand)"
    );
}

#[test]
fn machines_has_its_filterable_set() {
    let set = machines();
    assert_eq!(set.filterable_properties().count(), 14);
    let ty = set.entity_type();
    let tags = ty.property(ty.property_id("machineTags").unwrap()).unwrap();
    assert_eq!(tags.ty(), &EdmType::Collection(Box::new(EdmType::String)));
}

#[test]
fn typed_indices_follow_the_wire_order() {
    let a = &sample::docs_example_actions()[2];
    let text = serde_json::to_string(a).unwrap();
    let keys = top_level_keys(&text);
    assert_eq!(keys, MachineAction::PROPERTY_NAMES);
    assert!(matches!(
        a.field(1, "type"),
        Field::Enum {
            name: "StopAndQuarantineFile",
            value: 6
        }
    ));
    assert!(matches!(
        a.field(6, ""),
        Field::Str("f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f")
    ));
    assert!(matches!(a.field(2, ""), Field::Null));
    assert!(matches!(a.field(99, ""), Field::Null));
    let Field::Node(info) = a.field(17, "") else {
        panic!()
    };
    assert!(matches!(
        info.field(1, ""),
        Field::Enum { name: "Sha1", .. }
    ));
}

/// The keys of a JSON object in the order the text has them (whatever serde_json's map keeps).
fn top_level_keys(text: &str) -> Vec<String> {
    struct Keys;
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some((k, serde::de::IgnoredAny)) = map.next_entry::<String, _>()? {
                keys.push(k);
            }
            Ok(keys)
        }
    }
    use serde::Deserializer;
    serde_json::Deserializer::from_str(text)
        .deserialize_map(Keys)
        .unwrap()
}

#[test]
fn machine_keys_follow_the_schema_order() {
    let m = Machine {
        id: "1e5bc9d7e413ddd7902c2932e418702b84d0cc07".into(),
        computer_dns_name: None,
        first_seen: None,
        last_seen: None,
        os_platform: None,
        os_version: None,
        os_processor: None,
        version: None,
        last_ip_address: None,
        last_external_ip_address: None,
        os_build: Some(18209),
        health_status: DeviceHealthStatus::Active,
        rbac_group_id: None,
        rbac_group_name: None,
        risk_score: DeviceRiskScore::Low,
        exposure_level: ExposureLevel::Medium,
        is_aad_joined: Some(true),
        aad_device_id: None,
        machine_tags: vec!["t".into()],
        onboarding_status: OnboardingStatus::Onboarded,
        device_value: DeviceValue::Normal,
        ip_addresses: vec![IpAddress {
            ip_address: Some("10.0.0.1".into()),
            mac_address: None,
            address_type: Some("Ethernet".into()),
            operational_status: None,
        }],
    };
    let text = serde_json::to_string(&m).unwrap();
    assert_eq!(top_level_keys(&text), Machine::PROPERTY_NAMES);
    assert_eq!(serde_json::from_str::<Machine>(&text).unwrap(), m);
    assert!(matches!(m.field(10, ""), Field::Int(18209)));
    assert!(matches!(m.field(16, ""), Field::Bool(true)));
    let Field::Items(ips) = m.field(21, "") else {
        panic!("ipAddresses is a collection")
    };
    let Field::Node(ip) = ips.item(0) else {
        panic!("an address is a node")
    };
    assert!(matches!(ip.field(2, "type"), Field::Str("Ethernet")));
}
