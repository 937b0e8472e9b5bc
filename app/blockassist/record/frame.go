// Package record writes and reads BlockAssist session files, replays them,
// exports MBAG-compatible tensors and computes MBAG's evaluation metrics.
//
// A session file is append-only so a crash can only damage its tail:
//
//	magic   "SDBASES1" (8 bytes)
//	frame*  u32le payload length | u8 record type | payload | u32le CRC-32C(type|payload)
//
// Record types, in file order: Meta (JSON), Goal (1100 block ids, MBAG flat
// order), Initial (1100 ids + player feet positions), Tick* (one per env
// step), End (once). Reading stops at the first frame that is incomplete or
// fails its CRC; Recover truncates the file there, so a session cut by a
// crash or power loss keeps every frame that reached the disk.
package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Magic starts every session file; the trailing digit is the format version.
const Magic = "SDBASES1"

// MaxPayload bounds a frame so a corrupt length cannot make the reader
// allocate gigabytes.
const MaxPayload = 1 << 20

// Record types.
const (
	TypeMeta    byte = 1
	TypeGoal    byte = 2
	TypeInitial byte = 3
	TypeTick    byte = 4
	TypeEnd     byte = 5
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// frameOverhead is length + type + CRC.
const frameOverhead = 4 + 1 + 4

// appendFrame encodes one frame onto dst.
func appendFrame(dst []byte, typ byte, payload []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	start := len(dst)
	dst = append(dst, typ)
	dst = append(dst, payload...)
	crc := crc32.Checksum(dst[start:], castagnoli)
	return binary.LittleEndian.AppendUint32(dst, crc)
}

// errTorn marks a frame that is incomplete or corrupt: the end of the usable
// file rather than a hard error.
var errTorn = errors.New("torn or corrupt frame")

// readFrame reads one frame. It returns io.EOF at a clean end and errTorn
// (wrapped) for a partial or corrupt frame.
func readFrame(r io.Reader, buf []byte) (typ byte, payload []byte, n int, err error) {
	var hdr [5]byte
	k, err := io.ReadFull(r, hdr[:])
	if err == io.EOF {
		return 0, nil, 0, io.EOF
	}
	if err != nil {
		return 0, nil, 0, fmt.Errorf("frame header (%d of 5 bytes): %w", k, errTorn)
	}
	size := binary.LittleEndian.Uint32(hdr[:4])
	if size > MaxPayload {
		return 0, nil, 0, fmt.Errorf("frame length %d over %d: %w", size, MaxPayload, errTorn)
	}
	typ = hdr[4]
	if cap(buf) < int(size)+4 {
		buf = make([]byte, int(size)+4)
	}
	buf = buf[:int(size)+4]
	if _, err := io.ReadFull(r, buf); err != nil {
		return 0, nil, 0, fmt.Errorf("frame body: %w", errTorn)
	}
	payload = buf[:size]
	want := binary.LittleEndian.Uint32(buf[size:])
	crc := crc32.Update(crc32.Checksum([]byte{typ}, castagnoli), castagnoli, payload)
	if crc != want {
		return 0, nil, 0, fmt.Errorf("frame CRC %08x, want %08x: %w", crc, want, errTorn)
	}
	return typ, payload, frameOverhead + int(size), nil
}
