; Inno Setup 6 script: the Windows installer of the one-folder program PyInstaller built
; into dist\counter-post (installer\counter-post.spec). Built by
; .github/workflows/windows-dist.yml:  ISCC.exe /DAppVersion=0.1.0 installer\windows\counter-post.iss
;
; - Per machine, into Program Files; a Start-menu entry for the counter window and one for
;   its health check.
; - Each clerk's profile (store, logs, printed documents, configuration) is in that clerk's
;   %LOCALAPPDATA% (platformdirs), never in the install folder: installing a newer version
;   over an older one replaces the program and leaves every profile, its unsynced entries,
;   pending print jobs and paper stock as they were; the store migrates when the new
;   version first opens it. The keyring entries are the clerk's, in Credential Manager.
; - After copying, the installed program runs its own smoke test in a throw-away profile.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B1D5B0E-3C57-4F43-9C1E-2A7D0F3B8E51}
AppName=Counter Post
AppVersion={#AppVersion}
AppPublisher=Counter App team
DefaultDirName={autopf}\Counter Post
DefaultGroupName=Counter Post
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=counter-post-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
CloseApplications=yes
UninstallDisplayName=Counter Post
UninstallDisplayIcon={app}\counter-window.exe

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[InstallDelete]
; An upgrade: the old program's libraries go, so none of them lingers beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\counter-post\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Counter Post\Counter window"; Filename: "{app}\counter-window.exe"
Name: "{autoprograms}\Counter Post\Counter window health check"; Filename: "{cmd}"; Parameters: "/k ""{app}\counter-app.exe"" doctor"

[Code]
procedure CurStepChanged(CurStep: TSetupStep);
var
  ResultCode: Integer;
  Args: String;
begin
  if CurStep = ssPostInstall then
  begin
    Args := '--profile "' + ExpandConstant('{tmp}') + '\smoke" --demo smoke-test';
    if not Exec(ExpandConstant('{app}\counter-app.exe'), Args, '', SW_HIDE,
                ewWaitUntilTerminated, ResultCode) or (ResultCode <> 0) then
      MsgBox('The installed program did not pass its smoke test (exit code ' +
             IntToStr(ResultCode) + '). Run "counter-app doctor" and call IT support.',
             mbError, MB_OK);
  end;
end;
