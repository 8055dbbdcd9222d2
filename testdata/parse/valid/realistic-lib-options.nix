{ lib, ... }:

let
  inherit (lib) mkOption types;
in
{
  /** Shorthand for a string option with a default. */
  mkStrOpt = default: description: mkOption {
    type = types.str;
    inherit default description;
  };

  /** A port option. */
  mkPortOpt = default: mkOption {
    type = types.port;
    inherit default;
    description = "TCP or UDP port.";
  };

  /** An attrset of submodules, keyed by name. */
  mkNamedSubmodules = options: mkOption {
    type = types.attrsOf (types.submodule ({ name, config, ... }: {
      options = options // {
        name = mkOption {
          type = types.str;
          default = name;
          readOnly = true;
        };
      };
    }));
    default = { };
  };

  /** Enum option from a list of choices, first is default. */
  mkEnumOpt = choices: mkOption {
    type = types.enum choices;
    default = builtins.head choices;
    description = "One of: ${lib.concatStringsSep ", " choices}.";
  };
}
