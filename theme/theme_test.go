package theme

import (
	"testing"
)

func TestColorWantedHonoursNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if ColorWanted() {
		t.Fatal("NO_COLOR is set but colour is still wanted")
	}
}
