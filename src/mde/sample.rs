//! Deterministic sample data: realistic MDE machine actions from a seeded generator.
//!
//! The same `(count, seed)` always gives the same records, on every platform (the generator is a
//! SplitMix64 written here, not a library whose algorithm could change). The first three records are
//! the three actions of the List MachineActions documentation (machine
//! `f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f`); no generated record uses that machine, so the docs'
//! example `$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$top=2` returns the two
//! actions the docs show.
//!
//! ```
//! let records = odata_filter::mde::sample::machine_actions(1000, 42);
//! assert_eq!(records.len(), 1000);
//! assert_eq!(records, odata_filter::mde::sample::machine_actions(1000, 42));
//! assert_eq!(records[0].id.to_string(), "69dc3630-1ccc-4342-acf3-35286eec741d");
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use crate::mde::{
    Command, CommandParam, CommandStatus, FileIdentifierType, LiveResponseCommand,
    LiveResponseCommandType, MachineAction, MachineActionStatus, MachineActionType,
    RelatedFileInfo,
};

/// The seed the command line uses when none is given.
pub const DEFAULT_SEED: u64 = 0x0DA7_A5EED;

/// The `machineId` of the machine in Microsoft's *List MachineActions* documentation examples. The
/// first three records of [`machine_actions`] are that page's three actions, on this machine; no
/// generated record uses it, so `$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'`
/// selects exactly the documented actions.
///
/// ```
/// use odata_filter::mde::sample::{machine_actions, DOCS_MACHINE_ID};
/// let records = machine_actions(1000, 42);
/// let on_it = records.iter().filter(|r| r.machine_id.as_deref() == Some(DOCS_MACHINE_ID));
/// assert_eq!(on_it.count(), 3);
/// ```
pub const DOCS_MACHINE_ID: &str = "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f";

/// SplitMix64: a tiny, fast, well-distributed 64-bit generator (Steele, Lea, Flood 2014), enough for
/// sample data (not for anything secret).
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift (bias below 2^-32 for our sizes).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (which must not be empty), chosen uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One of `items`, chosen with the given integer weights (which must not all be 0).
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.below(total);
        for (item, w) in items {
            if roll < u64::from(*w) {
                return item;
            }
            roll -= u64::from(*w);
        }
        &items[items.len() - 1].0
    }

    fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits)
            .map(|_| char::from(HEX[self.below(16) as usize]))
            .collect()
    }

    fn uuid_v4(&mut self) -> Uuid {
        let bits = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid()
    }
}

/// `count` machine actions generated from `seed`: the docs' three actions first, then generated ones in
/// no particular order. Deterministic.
pub fn machine_actions(count: usize, seed: u64) -> Vec<MachineAction> {
    Generator::new(seed).take(count).collect()
}

/// The three actions of the List MachineActions documentation (Example 1), newest first.
pub(crate) fn docs_example_actions() -> Vec<MachineAction> {
    let t = |s: &str| crate::mde::parse_wire_datetime(s).unwrap_or_default();
    let base = |id: &str, ty, comment: &str, created: &str, updated: &str| MachineAction {
        id: Uuid::try_parse(id).unwrap_or_default(),
        action_type: ty,
        title: None,
        requestor: "Analyst@contoso.com".to_string(),
        requestor_comment: Some(comment.to_string()),
        status: MachineActionStatus::Succeeded,
        machine_id: Some(DOCS_MACHINE_ID.to_string()),
        computer_dns_name: Some("desktop-39g9tgl".to_string()),
        creation_date_time_utc: t(created),
        last_update_date_time_utc: Some(t(updated)),
        cancellation_requestor: None,
        cancellation_comment: None,
        cancellation_date_time_utc: None,
        error_h_result: 0,
        scope: None,
        external_id: None,
        request_source: None,
        related_file_info: None,
        commands: Vec::new(),
        troubleshoot_info: None,
    };
    let first = base(
        "69dc3630-1ccc-4342-acf3-35286eec741d",
        MachineActionType::CollectInvestigationPackage,
        "test",
        "2018-12-04T12:43:57.2011911Z",
        "2018-12-04T12:45:25.4049122Z",
    );
    let mut second = base(
        "2e9da30d-27f6-4208-81f2-9cd3d67893ba",
        MachineActionType::RunAntiVirusScan,
        "Check machine for viruses due to alert 3212",
        "2018-12-04T12:18:27.1293487Z",
        "2018-12-04T12:18:57.5511934Z",
    );
    second.scope = Some("Full".to_string());
    let mut third = base(
        "44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e",
        MachineActionType::StopAndQuarantineFile,
        "test",
        "2018-12-04T12:15:40.6052029Z",
        "2018-12-04T12:16:14.2899973Z",
    );
    third.related_file_info = Some(RelatedFileInfo {
        file_identifier: "a0c659857ccbe457fdaf5fe21d54efdcbf6f6508".to_string(),
        file_identifier_type: FileIdentifierType::Sha1,
    });
    vec![first, second, third]
}

struct Machine {
    id: String,
    dns: String,
}

/// An endless, deterministic stream of machine actions (the docs' three first).
///
/// ```
/// let first: Vec<_> = odata_filter::mde::sample::Generator::new(7).take(5).collect();
/// assert_eq!(first.len(), 5);
/// ```
pub struct Generator {
    rng: SplitMix64,
    docs: std::vec::IntoIter<MachineAction>,
    machines: Vec<Machine>,
    users: Vec<String>,
    apps: Vec<String>,
    window_start: DateTime<FixedOffset>,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator").finish_non_exhaustive()
    }
}

const FIRST_NAMES: &[&str] = &[
    "alex", "maria", "chen", "fatima", "john", "priya", "lukas", "sofia", "omar", "yuki", "david",
    "anna", "mateo", "olga", "kwame", "li",
];
const LAST_NAMES: &[&str] = &[
    "smith", "garcia", "wang", "khan", "mueller", "rossi", "tanaka", "novak", "okafor", "silva",
    "jensen", "kim",
];
/// Requestor comments that fit each action type (one is picked per action).
fn comments(action_type: MachineActionType) -> &'static [&'static str] {
    use MachineActionType as T;
    match action_type {
        T::RunAntiVirusScan => &[
            "Check machine for viruses due to alert 3212",
            "Scheduled scan after signature update",
            "test",
        ],
        T::Offboard => &["Offboarding decommissioned device", "Device retired"],
        T::LiveResponse => &[
            "Live response: collect memory dump",
            "Investigate persistence mechanism",
        ],
        T::CollectInvestigationPackage => &["Collect forensics due to suspicious process", "test"],
        T::Isolate => &[
            "Isolate machine due to alert 1234",
            "Incident 4471 containment",
            "Automated response by playbook",
        ],
        T::Unisolate => &[
            "Release after remediation",
            "False positive, releasing device",
        ],
        T::StopAndQuarantineFile => &[
            "Suspicious file detected by SOC",
            "Automated response by playbook",
        ],
        T::RestrictCodeExecution => &["Restrict execution during incident 4471"],
        T::UnrestrictCodeExecution => &["Incident closed, lifting restriction"],
    }
}

/// The portal's title for an action type.
fn title(action_type: MachineActionType) -> &'static str {
    use MachineActionType as T;
    match action_type {
        T::RunAntiVirusScan => "Run antivirus scan",
        T::Offboard => "Offboard device",
        T::LiveResponse => "Live response session",
        T::CollectInvestigationPackage => "Collect investigation package",
        T::Isolate => "Isolate device",
        T::Unisolate => "Release from isolation",
        T::StopAndQuarantineFile => "Stop and quarantine file",
        T::RestrictCodeExecution => "Restrict app execution",
        T::UnrestrictCodeExecution => "Remove app restriction",
    }
}

const FAILURE_HRESULTS: &[i32] = &[-2147024894, -2147024891, -2147467259, -2147023436, 1];

impl Generator {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let machines = (0..400)
            .map(|_| {
                let prefix = *rng.pick(&["desktop", "laptop", "srv", "vm", "ws"]);
                let suffix: String = (0..7)
                    .map(|_| char::from(*rng.pick(b"abcdefghijklmnopqrstuvwxyz0123456789")))
                    .collect();
                Machine {
                    id: rng.hex(40),
                    dns: format!("{prefix}-{suffix}"),
                }
            })
            .filter(|m| m.id != DOCS_MACHINE_ID)
            .collect();
        let users = (0..40)
            .map(|_| {
                let first = rng.pick(FIRST_NAMES);
                let last = rng.pick(LAST_NAMES);
                let domain = rng.pick(&["contoso.com", "contoso.onmicrosoft.com", "fabrikam.com"]);
                format!("{first}.{last}@{domain}")
            })
            .collect();
        let apps = (0..6).map(|_| rng.uuid_v4().to_string()).collect();
        Generator {
            rng,
            docs: docs_example_actions().into_iter(),
            machines,
            users,
            apps,
            window_start: Utc
                .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or_default()
                .fixed_offset(),
        }
    }

    fn ticks(&mut self, max_seconds: u64) -> TimeDelta {
        // 100 ns ticks, as the service stores them.
        let ticks = self.rng.below(max_seconds.saturating_mul(10_000_000)) as i64;
        TimeDelta::nanoseconds(ticks * 100)
    }

    fn generate(&mut self) -> MachineAction {
        use MachineActionStatus as S;
        use MachineActionType as T;
        let rng = &mut self.rng;
        let action_type = *rng.weighted(&[
            (T::RunAntiVirusScan, 20),
            (T::Isolate, 14),
            (T::Unisolate, 11),
            (T::CollectInvestigationPackage, 15),
            (T::LiveResponse, 14),
            (T::StopAndQuarantineFile, 12),
            (T::RestrictCodeExecution, 5),
            (T::UnrestrictCodeExecution, 4),
            (T::Offboard, 5),
        ]);
        let status = *rng.weighted(&[
            (S::Succeeded, 70),
            (S::Failed, 8),
            (S::TimeOut, 5),
            (S::Cancelled, 5),
            (S::Pending, 6),
            (S::InProgress, 6),
        ]);
        let id = rng.uuid_v4();
        let by_app = rng.chance(30);
        let requestor = if by_app {
            rng.pick(&self.apps).clone()
        } else {
            rng.pick(&self.users).clone()
        };
        let machine = rng.pick(&self.machines);
        // About one action in 500 lost its device link (offboarded and purged).
        let machine_id = (rng.below(500) != 0).then(|| machine.id.clone());
        let computer_dns_name = machine_id.as_ref().map(|_| machine.dns.clone());
        let title = rng.chance(60).then(|| title(action_type).to_string());
        let requestor_comment =
            (!rng.chance(10)).then(|| rng.pick(comments(action_type)).to_string());
        let scope = match action_type {
            T::Isolate => Some(if rng.chance(80) { "Full" } else { "Selective" }),
            T::RunAntiVirusScan => Some(if rng.chance(60) { "Quick" } else { "Full" }),
            _ => None,
        }
        .map(str::to_string);
        let request_source = Some(
            if by_app {
                "PublicApi"
            } else if rng.chance(80) {
                "Portal"
            } else {
                "PublicApi"
            }
            .to_string(),
        );
        let external_id = rng
            .chance(15)
            .then(|| format!("ticket-{}", 10_000 + rng.below(90_000)));
        let error_h_result = if status == S::Failed {
            *rng.pick(FAILURE_HRESULTS)
        } else {
            0
        };
        let related_file_info = (action_type == T::StopAndQuarantineFile).then(|| {
            let (kind, digits) = *rng.weighted(&[
                ((FileIdentifierType::Sha1, 40), 60),
                ((FileIdentifierType::Sha256, 64), 35),
                ((FileIdentifierType::Md5, 32), 5),
            ]);
            RelatedFileInfo {
                file_identifier: rng.hex(digits),
                file_identifier_type: kind,
            }
        });
        let start = self.window_start;
        let created = start + self.ticks(366 * 24 * 3600);
        let updated = match status {
            S::Pending => created,
            _ => created + self.ticks(2 * 3600) + TimeDelta::seconds(1),
        };
        let rng = &mut self.rng;
        let (cancellation_requestor, cancellation_comment, cancellation_date_time_utc) =
            if status == S::Cancelled {
                (
                    Some(rng.pick(&self.users).clone()),
                    Some(
                        rng.pick(&["Cancelled by analyst", "Wrong device", "Duplicate request"])
                            .to_string(),
                    ),
                    Some(updated),
                )
            } else {
                (None, None, None)
            };
        let commands = if action_type == T::LiveResponse {
            let n = 1 + rng.below(3) as i32;
            (0..n)
                .map(|index| {
                    let (command_type, params) = match rng.below(3) {
                        0 => (
                            LiveResponseCommandType::RunScript,
                            vec![
                                param(
                                    "ScriptName",
                                    rng.pick(&["minidump.ps1", "collect.ps1", "triage.ps1"]),
                                ),
                                param("Args", rng.pick(&["OUTLOOK.EXE", "-full", "-quick"])),
                            ],
                        ),
                        1 => (
                            LiveResponseCommandType::GetFile,
                            vec![param(
                                "Path",
                                rng.pick(&[
                                    "C:\\windows\\TEMP\\OUTLOOK.dmp",
                                    "C:\\Users\\Public\\report.txt",
                                ]),
                            )],
                        ),
                        _ => (
                            LiveResponseCommandType::PutFile,
                            vec![param("FileName", rng.pick(&["minidump.ps1", "tool.exe"]))],
                        ),
                    };
                    let (command_status, start_time, end_time, errors) = match status {
                        S::Pending => (CommandStatus::Created, None, None, Vec::new()),
                        S::Failed | S::TimeOut => (
                            CommandStatus::Failed,
                            Some(created),
                            Some(updated),
                            vec!["Command execution failed".to_string()],
                        ),
                        S::InProgress | S::Cancelled => {
                            (CommandStatus::Created, Some(created), None, Vec::new())
                        }
                        S::Succeeded => (
                            CommandStatus::Completed,
                            Some(created),
                            Some(updated),
                            Vec::new(),
                        ),
                    };
                    LiveResponseCommand {
                        index,
                        start_time,
                        end_time,
                        command_status,
                        errors,
                        command: Command {
                            command_type,
                            params,
                        },
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        MachineAction {
            id,
            action_type,
            title,
            requestor,
            requestor_comment,
            status,
            machine_id,
            computer_dns_name,
            creation_date_time_utc: created,
            last_update_date_time_utc: Some(updated),
            cancellation_requestor,
            cancellation_comment,
            cancellation_date_time_utc,
            error_h_result,
            scope,
            external_id,
            request_source,
            related_file_info,
            commands,
            troubleshoot_info: None,
        }
    }
}

fn param(key: &str, value: impl AsRef<str>) -> CommandParam {
    CommandParam {
        key: key.to_string(),
        value: value.as_ref().to_string(),
    }
}

impl Iterator for Generator {
    type Item = MachineAction;

    fn next(&mut self) -> Option<MachineAction> {
        Some(match self.docs.next() {
            Some(doc) => doc,
            None => self.generate(),
        })
    }
}

/// The machines that `actions` name (each distinct `machineId`, with its `computerDnsName`), as MDE
/// `Machine` JSON records in the schema's key order; the other properties come from `seed`.
///
/// ```
/// let actions = odata_filter::mde::sample::machine_actions(200, 1);
/// let machines = odata_filter::mde::sample::machines_for(&actions, 1);
/// assert!(machines.iter().any(|m| m["id"] == odata_filter::mde::sample::DOCS_MACHINE_ID));
/// assert_eq!(machines[0].as_object().unwrap().keys().next().unwrap(), "id");
/// ```
pub fn machines_for(actions: &[MachineAction], seed: u64) -> Vec<serde_json::Value> {
    let mut seen: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for a in actions {
        if let Some(id) = &a.machine_id {
            let dns = seen.entry(id).or_default();
            if dns.is_none() {
                *dns = a.computer_dns_name.as_deref();
            }
        }
    }
    let mut rng = SplitMix64::new(seed ^ 0x4d41_4348_494e_4553);
    seen.into_iter()
        .map(|(id, dns)| machine_record(&mut rng, id, dns))
        .collect()
}

fn machine_record(rng: &mut SplitMix64, id: &str, dns: Option<&str>) -> serde_json::Value {
    use serde_json::json;
    let windows = rng.chance(85);
    let (platform, version, build) = if windows {
        *rng.pick(&[
            ("Windows10", "1909", 18363),
            ("Windows10", "22H2", 19045),
            ("Windows11", "23H2", 22631),
            ("WindowsServer2019", "1809", 17763),
        ])
    } else {
        *rng.pick(&[("Linux", "22.04", 0), ("macOS", "14.4", 0)])
    };
    let day = 1 + rng.below(28);
    let ip = format!(
        "10.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    );
    let tags: Vec<&str> = [("ExampleTag", 20), ("Finance", 10), ("Server", 10)]
        .iter()
        .filter(|(_, p)| rng.chance(*p))
        .map(|(t, _)| *t)
        .collect();
    let aad = rng
        .chance(50)
        .then(|| Uuid::from_u64_pair(rng.next_u64(), rng.next_u64()).to_string());
    json!({
        "id": id,
        "computerDnsName": dns,
        "firstSeen": format!("2023-{:02}-{day:02}T08:00:00.0000000Z", 1 + rng.below(12)),
        "lastSeen": format!("2024-12-{day:02}T10:30:00.0000000Z"),
        "osPlatform": platform,
        "osVersion": version,
        "osProcessor": "x64",
        "version": version,
        "lastIpAddress": ip,
        "lastExternalIpAddress": format!("203.0.113.{}", 1 + rng.below(254)),
        "osBuild": if build == 0 { serde_json::Value::Null } else { build.into() },
        "healthStatus": *rng.pick(&["Active", "Active", "Active", "Inactive", "ImpairedCommunication"]),
        "rbacGroupId": 140 + rng.below(4),
        "rbacGroupName": *rng.pick(&["The-A-Team", "SOC", "Servers", "Laptops"]),
        "riskScore": *rng.pick(&["None", "Informational", "Low", "Medium", "High"]),
        "exposureLevel": *rng.pick(&["None", "Low", "Medium", "High"]),
        "isAadJoined": aad.is_some(),
        "aadDeviceId": aad,
        "machineTags": tags,
        "onboardingStatus": "Onboarded",
        "deviceValue": *rng.pick(&["Normal", "Normal", "Low", "High"]),
        "ipAddresses": [{"ipAddress": ip, "macAddress": format!("{:012X}", rng.below(1 << 48)), "type": "Ethernet", "operationalStatus": "Up"}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_seed_dependent() {
        let a = machine_actions(200, 1);
        assert_eq!(a, machine_actions(200, 1));
        assert_ne!(a[3..], machine_actions(200, 2)[3..]);
    }

    #[test]
    fn only_the_docs_records_use_the_docs_machine() {
        let records = machine_actions(5000, DEFAULT_SEED);
        let on_docs_machine = records
            .iter()
            .filter(|r| r.machine_id.as_deref() == Some(DOCS_MACHINE_ID))
            .count();
        assert_eq!(on_docs_machine, 3);
    }

    #[test]
    fn titles_and_comments_fit_the_action_type() {
        for r in machine_actions(3000, 9).into_iter().skip(3) {
            if let Some(t) = &r.title {
                assert_eq!(t, title(r.action_type));
            }
            if let Some(c) = &r.requestor_comment {
                assert!(comments(r.action_type).contains(&c.as_str()), "{c}");
            }
        }
    }

    #[test]
    fn shapes_follow_the_action_type() {
        for r in machine_actions(3000, 9) {
            assert_eq!(
                r.related_file_info.is_some(),
                r.action_type == MachineActionType::StopAndQuarantineFile
            );
            if r.action_type != MachineActionType::LiveResponse {
                assert!(r.commands.is_empty());
            }
            if let Some(id) = &r.machine_id {
                assert_eq!(id.len(), 40);
                assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
            }
            assert!(r.last_update_date_time_utc >= Some(r.creation_date_time_utc));
            assert_eq!(r.creation_date_time_utc.timestamp_subsec_nanos() % 100, 0);
        }
    }

    #[test]
    fn mixes_are_plausible() {
        let records = machine_actions(10_000, 3);
        let succeeded = records
            .iter()
            .filter(|r| r.status == MachineActionStatus::Succeeded)
            .count();
        assert!((6000..8000).contains(&succeeded), "{succeeded}");
        let live = records.iter().filter(|r| !r.commands.is_empty()).count();
        assert!(live > 1000);
        assert!(records.iter().any(|r| r.machine_id.is_none()));
    }

    #[test]
    fn splitmix64_example() {
        let mut a = crate::mde::sample::SplitMix64::new(1);
        let mut b = crate::mde::sample::SplitMix64::new(1);
        assert_eq!(a.next_u64(), b.next_u64());
        assert!(a.below(10) < 10);
    }

    #[test]
    fn docs_example_actions_example() {
        let docs = crate::mde::sample::docs_example_actions();
        assert_eq!(docs.len(), 3);
        assert!(docs[0].creation_date_time_utc > docs[1].creation_date_time_utc);
    }
}
