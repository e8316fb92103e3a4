use odata_filter::schema::machine_actions;
use odata_filter::validate::{validate_text, ValidateOptions};
#[test]
fn smoke() {
    for q in [
        "status eq 'Pending'",
        "Status eq 'Succeeded' and creationdatetimeutc ge 2018-08-01Z",
        "id eq '05c7bba5-828c-4451-9867-1191919f897e'",
        "id eq 05C7BBA5-828C-4451-9867-1191919f897e",
        "status in ('Pending', 'Failed')",
        "status in ()",
        "type in ('Isolate')",
        "not (status eq 'Pending')",
        "not status eq 'Pending'",
        "status eq 3",
        "creationDateTimeUtc ge '2024-01-01'",
        "requestor gt 2024-01-01T00:00:00Z",
        "creationDateTimeUtc ge 2024-01-01",
        "startswith(requestor, 'x') and length(machineId) gt 3",
        "year(creationDateTimeUtc) eq 2024",
        "-5 lt 3",
        "9223372036854775807 add 1 gt 0",
        "commands/any(c: c/commandStatus eq 'Failed')",
        "status eq 'Done'",
        "status eq 'succeeded'",
        "computerDnsName eq 'x'",
        "foo eq 1",
        "status has 'Pending'",
        "requestor",
        "1 add 2 mul 3 eq 7",
        "(1 add 2) mul 3 eq 9",
        "creationDateTimeUtc sub 2024-01-01T00:00:00Z gt duration'P1D'",
        "cast(status, Edm.String) eq 'Pending'",
        "microsoft.windowsDefenderATP.api.MachineActionStatus'Pending' eq status",
        "status eq null or machineId ne null",
        "concat(requestor, 'x') eq 'ax'",
        "requestor eq 'it''s'",
        "-(-(1)) eq 1",
    ] {
        match validate_text(q, machine_actions(), &ValidateOptions::default()) {
            Ok(f) => println!("OK   {q}\n  => {f}"),
            Err(e) => println!("ERR  {q}\n{e}"),
        }
    }
}
