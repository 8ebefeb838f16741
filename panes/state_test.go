package panes

import (
	"testing"

	"watchtrail/sources"
)

func TestStatesHaveDistinctColours(t *testing.T) {
	alarm, insufficient, ok := stateStyle(sources.StateAlarm).GetForeground(), stateStyle(sources.StateInsufficient).GetForeground(), stateStyle(sources.StateOK).GetForeground()
	if alarm == insufficient || alarm == ok || insufficient == ok {
		t.Fatal("alarm states must not share a colour")
	}
	if stateStyle(sources.StateAlarm).GetBold() != true {
		t.Fatal("ALARM should be bold so it stands out without colour")
	}
}
