//! The `hubspot-harness` command; see [`hubspot_harness::cli`].

fn main() {
    std::process::exit(hubspot_harness::cli::run(std::env::args_os()));
}
