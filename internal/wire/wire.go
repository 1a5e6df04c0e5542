// Package wire regenerates the typed wire structs of every Alibaba Cloud
// contract. The structs live in one subpackage per product; the emulator and
// the aliyun provider both use them, and a test checks they are current.
package wire

//go:generate go run ../../tools/wiregen -product emr-20210320 -pkg emrwire -out emrwire/wire_gen.go
//go:generate go run ../../tools/wiregen -product vpc-20160428 -pkg vpcwire -out vpcwire/wire_gen.go
//go:generate go run ../../tools/wiregen -product ecs-20140526 -pkg ecswire -out ecswire/wire_gen.go
//go:generate go run ../../tools/wiregen -product emr-serverless-spark-20230808 -pkg sparkwire -out sparkwire/wire_gen.go
