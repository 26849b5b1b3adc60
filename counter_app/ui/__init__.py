"""The Qt front end: windows, panels and dialogs. Calls services; never SQL, HTTP or devices."""
