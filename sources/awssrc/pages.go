package awssrc

import (
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// collectPages calls fetch for one page after another, passing the previous
// page's token and how many items are still wanted, until limit items are
// read or the token ends (or repeats, which some emulators do). It returns
// at most limit items, oldest first.
func collectPages[T any](limit int, fetch func(token *string, want int) ([]T, *string, error), at func(T) time.Time) ([]T, error) {
	var items []T
	var token *string
	for len(items) < limit {
		page, next, err := fetch(token, limit-len(items))
		if err != nil {
			return nil, err
		}
		items = append(items, page...)
		if next == nil || aws.ToString(next) == aws.ToString(token) {
			break
		}
		token = next
	}
	if len(items) > limit {
		items = items[:limit]
	}
	sort.SliceStable(items, func(i, j int) bool { return at(items[i]).Before(at(items[j])) })
	return items, nil
}
