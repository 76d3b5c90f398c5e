"""ahvlab.commands: one module per `ahvlab` subcommand, each with `register(subparsers)`."""
