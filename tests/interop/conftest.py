from tests.interop.libreoffice import libreoffice  # noqa: F401 - the session fixture
