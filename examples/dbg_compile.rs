fn main() {
    let f = odata_filter::validate::validate_text(
        "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z",
        odata_filter::schema::machine_actions(),
        &Default::default(),
    )
    .unwrap();
    let c = f.compile();
    let s = format!("{c:?}");
    println!("{}", &s[..s.len().min(3000)]);
}
