package slip

import (
	"time"

	"github.com/idbooth/idbooth/booth"
)

// sampleReceipt is a booth application made on a Sunday afternoon, English-speaking resident.
func sampleReceipt() Receipt {
	return Receipt{Receipt: booth.Receipt{
		Application: "0b7f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f",
		Number:      "B-20261122-0042",
		CreatedAt:   time.Date(2026, 11, 22, 5, 7, 0, 0, time.UTC), // 14:07 JST
		BoothID:     "TKY-SHB-03",
		BoothName:   "渋谷区役所 1階 証明写真機",
		FormIDLast4: "4821",
		Lang:        "en",
		Channel:     booth.ChannelBooth,
	}}
}
