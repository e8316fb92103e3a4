//! Microsoft Defender for Endpoint: everything this crate knows about MDE, in one place.
//!
//! - the entities as typed structs ([`MachineAction`], [`Machine`]), each declared once with
//!   `#[derive(EntityType)]`: their wire format (serde), their schema (property order and types,
//!   nullability, enum members, the filterable properties, the `$top` cap, the default order) and their
//!   typed record access;
//! - the built-in entity sets [`machine_actions`] and [`machines`];
//! - the typed builder's field [`handles`];
//! - deterministic [`sample`] data.
//!
//! ```
//! use odata_filter::mde;
//! let set = mde::machine_actions();
//! assert_eq!(set.entity_type().qualified_name(), "microsoft.windowsDefenderATP.api.MachineAction");
//! assert_eq!(set.top_cap(), Some(10_000));
//! let filter = odata_filter::validate::validate_text("status eq 'Pending'", set, &Default::default())
//!     .unwrap()
//!     .compile();
//! let records = mde::sample::machine_actions(100, 1);
//! assert!(records.iter().any(|r| filter.matches(r)));
//! ```

mod errors;
pub mod handles;
mod model;
pub mod sample;
#[cfg(test)]
mod schema_facts;

use crate::schema::EntitySet;
use crate::typed::Entity;
pub use errors::{error_body, wire_errors, wire_message};

#[cfg(feature = "server")]
pub(crate) use model::format_wire_datetime;
pub(crate) use model::parse_wire_datetime;
pub use model::{
    Command, CommandParam, CommandStatus, DeviceHealthStatus, DeviceRiskScore, DeviceValue,
    ExposureLevel, FileIdentifierType, IpAddress, LiveResponseCommand, LiveResponseCommandType,
    Machine, MachineAction, MachineActionStatus, MachineActionType, OnboardingStatus,
    RelatedFileInfo,
};

/// The namespace of MDE's model: `microsoft.windowsDefenderATP.api`.
pub const MDE_NAMESPACE: &str = "microsoft.windowsDefenderATP.api";

/// MDE's service root: response URLs (`@odata.context`, `@odata.nextLink`) are built on it unless a
/// query names its own ([`ValidatedQuery::with_service_root`](crate::ValidatedQuery::with_service_root)).
pub(crate) const SERVICE_ROOT: &str = "https://api.security.microsoft.com/api/";

/// The `MachineActions` entity set of "List MachineActions" (entity type [`MachineAction`]): every
/// documented property in the key order of a real response, `$filter` on `id`, `type`, `requestor`,
/// `status`, `machineId`, `creationDateTimeUtc`, `$top` capped at 10,000, newest first then by id
/// without `$orderby`.
///
/// ```
/// let set = odata_filter::mde::machine_actions();
/// assert_eq!(set.entity_type().name(), "MachineAction");
/// assert_eq!(set.top_cap(), Some(10_000));
/// ```
pub fn machine_actions() -> &'static EntitySet {
    MachineAction::entity_set()
}

/// The `Machines` entity set of "List machines" (entity type [`Machine`]).
///
/// ```
/// let set = odata_filter::mde::machines();
/// assert_eq!(set.entity_type().name(), "Machine");
/// ```
pub fn machines() -> &'static EntitySet {
    Machine::entity_set()
}
