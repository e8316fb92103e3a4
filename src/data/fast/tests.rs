//! The one-pass scanner's tests: date-times read as chrono reads them, and what the fast path takes agrees with serde's typed record.

use super::*;
use crate::mde::MachineAction;
use crate::typed::Structured;

#[test]
fn date_times_read_as_chrono_reads_them() {
    for t in [
        "2018-12-04T12:15:40.6052029Z",
        "2018-12-04T13:15:40.60520299+01:00",
        "2023-12-31T23:59:59.9999999-05:00",
        "2024-02-29T00:00:00Z",
        "2024-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00.1Z",
        "2024-06-01T00:00:00-23:59",
    ] {
        assert_eq!(
            date_time(t.as_bytes()),
            Some(DateTime::parse_from_rfc3339(t).unwrap()),
            "{t}"
        );
    }
    for t in [
        "2023-02-29T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:60Z",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.1234567890Z",
        "2024-01-01 00:00:00Z",
        "2024-01-01T00:00:00+0100",
        "2024-1-01T00:00:00Z",
    ] {
        assert_eq!(date_time(t.as_bytes()), None, "{t}");
    }
}

proptest::proptest! {
    /// What the fast path takes as a date-time, chrono takes as the same instant and offset; and
    /// it takes every date-time chrono does in its form.
    #[test]
    fn date_times_agree_with_chrono(
        y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..25, mi in 0u32..61,
        s in 0u32..61, frac in proptest::option::of("[0-9]{1,10}"),
        off in proptest::option::of((proptest::bool::ANY, 0u32..25, 0u32..61)),
    ) {
        let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
        let off = match off {
            None => "Z".to_string(),
            Some((minus, oh, om)) => format!("{}{oh:02}:{om:02}", if minus { '-' } else { '+' }),
        };
        let t = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}");
        let chrono = DateTime::parse_from_rfc3339(&t).ok();
        match date_time(t.as_bytes()) {
            Some(ours) => proptest::prop_assert_eq!(Some(ours), chrono, "{}", t),
            // Leap seconds and more than 9 fractional digits are left to serde.
            None => proptest::prop_assert!(chrono.is_none() || frac.len() > 10 || s == 60, "{}", t),
        }
        proptest::prop_assert_eq!(date_time_parts(t.as_bytes()).is_some(), date_time(t.as_bytes()).is_some());
    }
}

fn plan() -> Plan {
    Plan::new(MachineAction::structured_type()).unwrap()
}

const FULL: &str = r#"{"id":"44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e","type":"StopAndQuarantineFile","title":null,"requestor":"Analyst@contoso.com","requestorComment":"test","status":"Succeeded","machineId":"f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f","computerDnsName":"desktop-39g9tgl","creationDateTimeUtc":"2018-12-04T12:15:40.6052029Z","lastUpdateDateTimeUtc":"2018-12-04T12:16:14.2899973Z","cancellationRequestor":null,"cancellationComment":null,"cancellationDateTimeUtc":null,"errorHResult":-3,"scope":null,"externalId":null,"requestSource":"PublicApi","relatedFileInfo":{"fileIdentifier":"a0c659857ccbe457fdaf5fe21d54efdcbf6f6508","fileIdentifierType":"Sha1"},"commands":[{"index":0,"startTime":"2021-05-12T16:34:59.2823418Z","endTime":null,"commandStatus":"Completed","errors":[],"command":{"type":"RunScript","params":[{"key":"ScriptName","value":"minidump.ps1"}]}}],"troubleshootInfo":null}"#;

/// Every record the fast path takes, serde takes too, with the same values.
fn agrees(text: &str) -> bool {
    let plan = plan();
    let mut vals = Vec::new();
    let fast = plan.scan(text.as_bytes(), &mut vals);
    let typed = serde_json::from_str::<MachineAction>(text);
    if fast {
        let typed = typed.unwrap_or_else(|e| panic!("fast path took a bad record ({e}): {text}"));
        let cells: Vec<OnceCell<_>> = (0..plan.cells()).map(|_| OnceCell::new()).collect();
        let row = Row {
            vals: &vals,
            cells: &cells,
            plan: &plan,
        };
        for (i, p) in MachineAction::structured_type()
            .properties()
            .iter()
            .enumerate()
        {
            let (a, b) = (row.field(i, p.name()), typed.field(i, p.name()));
            let same = match (a, b) {
                (Field::Json(j), Field::Items(items)) => {
                    j.as_array().map(Vec::len) == Some(items.len())
                }
                (Field::Json(j), Field::Node(_)) => j.is_object(),
                (a, b) => format!("{a:?}") == format!("{b:?}"),
            };
            assert!(same, "{}: {a:?} vs {b:?}", p.name());
        }
    }
    fast
}

#[test]
fn the_fast_path_takes_plain_records_and_agrees_with_serde() {
    assert!(agrees(FULL));
    assert!(agrees(&format!(" {FULL} \r")));
    assert!(agrees(&FULL.replace(",\"title\":null", "")));
    assert!(agrees(&FULL.replace("\"test\"", "\"tést ✓\"")));
    assert!(agrees(&FULL.replace("minidump", "C:\\\\t\\u00e9\\\"")));
    assert!(agrees(
        &FULL.replace("\"commands\":[{", "\"commands\": [ {")
    ));
    for record in crate::mde::sample::machine_actions(300, 9) {
        let text = serde_json::to_string(&record).unwrap();
        assert!(agrees(&text), "{text}");
    }
}

#[test]
fn the_fast_path_leaves_anything_unusual_to_serde() {
    for (from, to) in [
        ("\"Succeeded\"", "\"Done\""),
        ("\"Succeeded\"", "null"),
        ("\"test\"", "\"t\\u0065st\""),
        ("\"test\"", "\"t\u{1}st\""),
        ("\"errorHResult\":-3", "\"errorHResult\":-3.0"),
        ("\"errorHResult\":-3", "\"errorHResult\":1e3"),
        ("\"errorHResult\":-3", "\"errorHResult\":-0"),
        ("\"errorHResult\":-3", "\"errorHResult\":01"),
        ("\"errorHResult\":-3", "\"errorHResult\":2147483648"),
        ("\"errorHResult\":-3", "\"errorHResult\":null"),
        (
            "\"44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e\"",
            "\"44cffc150e3d4cbf96aabf76f9b27f5e\"",
        ),
        (
            "\"44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e\"",
            "\"44cffc15-0e3d-4cbf-96aa-bf76f9b27f5g\"",
        ),
        ("40.6052029Z", "40.6052029z"),
        ("\"requestor\"", "\"requester\""),
        ("\"title\":null", "\"title\":null,\"title\":null"),
        (",\"errorHResult\":-3", ""),
        ("\"Sha1\"", "\"SHA1\""),
        ("\"index\":0", "\"index\":\"0\""),
        ("\"errors\":[]", "\"errors\":[null]"),
        ("\"commands\":[", "\"commands\":[1,"),
        ("\"troubleshootInfo\":null", "\"troubleshootInfo\":{}"),
        ("}]}}]", "}]}}],"),
        ("minidump.ps1", "mini\\ud800dump"),
        ("minidump.ps1", "mini\\qdump"),
        ("minidump.ps1", "mini\\u00"),
    ] {
        let text = FULL.replacen(from, to, 1);
        assert_ne!(text, FULL, "{from}");
        assert!(!agrees(&text), "took {text}");
    }
    assert!(!agrees(&format!("{FULL}{{}}")));
    assert!(!agrees(&FULL[..FULL.len() - 1]));
}
