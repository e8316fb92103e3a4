//! `odata-filter parse '<filter>'`

use std::process::ExitCode;

/// Arguments of `parse`.
#[derive(clap::Args)]
pub struct Args {
    /// The $filter expression (not URL-encoded).
    #[arg(allow_hyphen_values = true)]
    filter: String,
    /// Also print the syntax tree.
    #[arg(long)]
    ast: bool,
    #[command(flatten)]
    limits: crate::common::LimitArgs,
}

/// Line 1: canonical text; line 2: URL form; with `--ast` the tree after them. Errors: caret rendering
/// on stderr, exit 2.
pub fn run(args: &Args) -> ExitCode {
    match args.limits.parser().parse(&args.filter) {
        Ok(expr) => {
            println!("{expr}");
            println!("{}", expr.to_url());
            if args.ast {
                print!("{}", expr.to_tree_string());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{e}");
            ExitCode::from(2)
        }
    }
}
