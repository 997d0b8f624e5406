"""Registration pages: `registration` (register, My training, the coordinator's lists, the
endorsements), `nominations` (a focal point's nominations, the officer's answer),
`reservations` (seats held for agencies) and `prerequisites` (waivers of prerequisite
modules)."""
