fn main() -> std::process::ExitCode {
    skinlapse::cli::main()
}
