; Inno Setup script: the Windows installer of ERBM Desk (Inno Setup 6.3 or later, https://jrsoftware.org/isinfo.php).
;
; On a Windows build PC, from the repository root, after the one-folder build (packaging/README.md):
;     iscc /DAppVersion=0.1.0 packaging\erbm-desk.iss
; gives dist\installer\ERBM-Desk-0.1.0-setup.exe, the file handed to IT departments.
;
; What it does, and why:
; - installs dist\erbm-desk\ into Program Files (or, for a user without admin rights, into their own
;   AppData\Local\Programs) with a Start menu entry, in French;
; - on an upgrade, first removes the previous version's _internal\ folder: a frozen Python app must not run
;   with modules left over from an older version; the user's data is never in the installation folder;
; - the user's data (database, backups, settings in %LOCALAPPDATA%\ERBM\ERBM Desk) is never touched by an
;   install, an upgrade or an uninstall;
; - /DB="…" on the command line (silent deployment) sets ERBM_DESK_DB for every user of the PC, e.g. the URL
;   of a shared PostgreSQL server (docs/guide-installation.md).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ERBM Desk"
#define AppExe "erbm-desk.exe"

[Setup]
; Never change AppId: Windows recognises upgrades of the same application by it.
AppId={{5B0E6D2A-7C1F-4E3B-9A57-2F4C8D1E6B93}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ERBM — Engagement pour le Renouveau du Bassin Minier
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine install by default; a user without admin rights may install for themselves only.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist\installer
OutputBaseFilename=ERBM-Desk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running ERBM Desk before replacing its files (Windows Restart Manager), and do not restart it.
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ChangesEnvironment=yes
#if FileExists(AddBackslash(SourcePath) + "..\resources\erbm-desk.ico")
SetupIconFile=..\resources\erbm-desk.ico
#endif

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "Créer une icône sur le Bureau"; GroupDescription: "Raccourcis :"; Flags: unchecked

[InstallDelete]
; The previous version's libraries: removed before the new ones are copied (see above). Data is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\erbm-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; /DB="postgresql://serveur/erbm": the default database of every user of this PC (admin install only).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; ValueName: "ERBM_DESK_DB"; ValueData: "{param:DB|}"; Flags: uninsdeletevalue; Check: DatabaseGiven

[Run]
Filename: "{app}\{#AppExe}"; Description: "Lancer {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there: the user's data in %LOCALAPPDATA%\ERBM\ERBM Desk stays.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function DatabaseGiven: Boolean;
begin
  Result := IsAdminInstallMode and (ExpandConstant('{param:DB|}') <> '');
end;
