package theme

import (
	"testing"

	"watchtrail/sources"
)

func TestStatesHaveDistinctColours(t *testing.T) {
	alarm, insufficient, ok := State(sources.StateAlarm).GetForeground(), State(sources.StateInsufficient).GetForeground(), State(sources.StateOK).GetForeground()
	if alarm == insufficient || alarm == ok || insufficient == ok {
		t.Fatal("alarm states must not share a colour")
	}
	if State(sources.StateAlarm).GetBold() != true {
		t.Fatal("ALARM should be bold so it stands out without colour")
	}
}

func TestColorWantedHonoursNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if ColorWanted() {
		t.Fatal("NO_COLOR is set but colour is still wanted")
	}
}
