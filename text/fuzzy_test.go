package text

import "testing"

func TestFuzzyFilter(t *testing.T) {
	groups := []string{"/aws/lambda/checkout-api", "/aws/lambda/image-resizer", "/ecs/prod-web", "/aws/rds/orders/error"}
	got := FuzzyFilter("chkapi", groups)
	if len(got) != 1 || got[0].Item != "/aws/lambda/checkout-api" || got[0].Index != 0 || len(got[0].Matched) != 6 {
		t.Fatalf("chkapi matched %+v", got)
	}
	got = FuzzyFilter("err", groups)
	if len(got) == 0 || got[0].Item != "/aws/rds/orders/error" {
		t.Errorf("err: best match %+v, want the consecutive match first", got)
	}
	if got := FuzzyFilter("LAMBDA", groups); len(got) != 2 {
		t.Errorf("case-insensitive LAMBDA matched %+v", got)
	}
	if got := FuzzyFilter("zzz", groups); len(got) != 0 {
		t.Errorf("zzz matched %+v", got)
	}
	if got := FuzzyFilter("", groups); len(got) != 4 || got[2].Item != "/ecs/prod-web" {
		t.Errorf("empty pattern gave %+v", got)
	}
}
