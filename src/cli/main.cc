// oltap's entry point: parse the command line, run one subcommand, and turn
// any error into one line on stderr and the exit code of its class.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace oltap;
  cli::set_command_line(argc, argv);
  CLI::App app{"oltap: run YAML-defined OLTP and OLAP workloads against database engines and compare them"};
  app.set_version_flag("--version", std::string("oltap ") + OLTAP_VERSION);
  app.require_subcommand(1);
  cli::Action action;
  cli::add_validate(app, action);
  cli::add_load(app, action);
  cli::add_run(app, action);
  cli::add_suite(app, action);
  cli::add_compare(app, action);
  cli::add_gate(app, action);
  cli::add_report(app, action);
  cli::add_export(app, action);
  cli::add_merge(app, action);
  cli::add_list(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "oltap: error: " << e.what() << " (see oltap --help)\n";
    return kExitBadInput;
  }
  try {
    return action ? action() : kExitBadInput;
  } catch (const Error& e) {
    cli::print_error(e);
    return exit_code_for(e.error_class());
  } catch (const std::exception& e) {
    std::cerr << "oltap: error: " << e.what() << "\n";
    return kExitRunErrors;
  }
}
