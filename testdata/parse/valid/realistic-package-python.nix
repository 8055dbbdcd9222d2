{ lib
, buildPythonPackage
, fetchPypi
, pythonOlder
, setuptools
, requests
, pyyaml
, pytestCheckHook
, responses
}:

buildPythonPackage rec {
  pname = "confsync";
  version = "0.4.2";
  pyproject = true;

  disabled = pythonOlder "3.9";

  src = fetchPypi {
    inherit pname version;
    hash = "sha256-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF=";
  };

  build-system = [ setuptools ];

  dependencies = [ requests pyyaml ];

  nativeCheckInputs = [ pytestCheckHook responses ];

  disabledTests = [
    # needs network
    "test_remote_fetch"
  ];

  pythonImportsCheck = [ "confsync" "confsync.cli" ];

  meta = {
    description = "Synchronise configuration files between hosts";
    homepage = "https://example.org/confsync";
    changelog = "https://example.org/confsync/releases/tag/v${version}";
    license = lib.licenses.bsd3;
  };
}
