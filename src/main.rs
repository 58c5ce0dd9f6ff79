use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let status = healthpress::run(std::env::args_os());
    ExitCode::from(status as u8)
}
