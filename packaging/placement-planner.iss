; Inno Setup 6 script: a per-user installer for the one-folder build.
;
;   python packaging\build.py
;   iscc /DAppVersion=0.1.0 packaging\placement-planner.iss
;
; writes dist\installer\placement-planner-<version>-setup.exe. No administrator rights are
; needed: it installs into %LOCALAPPDATA%\Programs\Placement Planner, adds a Start-menu
; shortcut and registers the planner for project workbooks in the current user's registry.
; IT can install for all users instead with  /ALLUSERS  (needs admin; see
; docs/windows-deployment.md). To sign the installer and its uninstaller as well:
;   iscc /DSign "/SSign=signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 /a $f" ...

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Placement Planner"
#define AppExe "placement-planner.exe"
#define ProgId "PlacementPlanner.Project"

[Setup]
; The AppId identifies the product for upgrades and uninstall: never change it.
AppId={{6B0D8A52-3C1E-4D7B-9A0F-5E2C71B4D9A3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=NHS Placement Planning
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
; With lowest privileges {autopf} is %LOCALAPPDATA%\Programs; with /ALLUSERS, Program Files.
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist\installer
OutputBaseFilename=placement-planner-{#AppVersion}-setup
Compression=lzma2/normal
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
CloseApplications=yes
; The app icon (resources\icons, drawn as .svg; scripts\make_icon.py renders the .ico): the
; installer's own icon; Apps & features shows the one built into the .exe.
SetupIconFile=..\resources\icons\placement-planner.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
#ifdef Sign
SignTool=Sign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole bundle built by packaging/build.py (placement-planner.exe, placement-planner-cli.exe, _internal\).
Source: "..\dist\placement-planner\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries completely (no stale DLLs from an older build).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Plan NHS clinical placements"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Project workbooks are ordinary Excel files (the project file is the output workbook), so the
; planner never takes over .xlsx from Excel: it registers a ProgID and adds itself to "Open
; with" for the workbook types it reads. HKA is HKCU for a per-user install (HKLM with /ALLUSERS).
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Placement Planner project workbook"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.xlsx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.xlsm\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.ods\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsx"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsm"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".ods"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; User data (%LOCALAPPDATA%\PlacementPlanner: logs, autosaves, crash journals) is left in place on
; uninstall, as are the user's workbooks; docs/windows-deployment.md says how to remove it.
