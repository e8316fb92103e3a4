use std::process::ExitCode;
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let input = args.get(1).cloned().unwrap_or_default();
    match odata_filter::parse_filter(&input) {
        Ok(e) => {
            println!("{e}");
            println!("{}", e.to_url());
            if args.iter().any(|a| a == "--ast") {
                println!("{e:#?}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{e}");
            ExitCode::from(2)
        }
    }
}
