package emulator

import (
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// The Serverless Spark part of the sandbox account: what the skill's
// getting-started needs to run as written.

// IDs of the seeded Serverless Spark inventory.
const (
	seedWorkspaceID = "w-sandbox000000001"
	seedKyuubiID    = "kb-sandbox0000000000000000000001"
	seedBucket      = "emrctl-sandbox-spark"
	jobRunRole      = "AliyunEMRSparkJobRunDefaultRole"
	sparkLinkedRole = "AliyunServiceRoleForEMRServerlessSpark"
)

// sparkExamplesJar is the jar of the Spark examples, as in every Spark
// distribution.
var sparkExamplesJar = ossObject{
	Key: "jars/spark-examples.jar", MainClass: "org.apache.spark.examples.SparkPi",
	Classes: []string{"org.apache.spark.examples.SparkPi", "org.apache.spark.examples.JavaWordCount", "org.apache.spark.examples.sql.SparkSQLExample"},
	Output:  []string{"Pi is roughly 3.1415671415671416"},
}

// sparkBuckets are the account's OSS buckets: the sandbox's own, and the
// two the skill's examples name (oss://my-spark-bucket, oss://my-bucket)
// with the files those examples submit.
func sparkBuckets() []ossBucket {
	return []ossBucket{
		{Name: seedBucket, Region: "cn-hangzhou", Objects: []ossObject{
			sparkExamplesJar,
			{Key: "jars/etl-app.jar", MainClass: "com.example.ETL", Classes: []string{"com.example.ETL"},
				Output: []string{"ETL finished: 1024 rows read, 1000 rows written to oss://emrctl-sandbox-spark/output/etl/"}},
			{Key: "jars/streaming-app.jar", MainClass: "com.example.StreamingApp", Classes: []string{"com.example.StreamingApp"}, Streaming: true,
				Output: []string{"Streaming query started: reading events, writing to oss://emrctl-sandbox-spark/output/stream/"}},
			{Key: "scripts/pi.py", Output: []string{"Pi is roughly 3.141840"}},
			{Key: "scripts/wordcount.py", Output: []string{"spark: 3", "serverless: 2", "emrctl: 1"}},
			{Key: "scripts/streaming.py", Streaming: true, Output: []string{"Streaming query started"}},
			{Key: "sql/report.sql", Output: []string{"day\torders\tamount", "2024-01-01\t3\t412.5"}},
		}},
		{Name: "my-spark-bucket", Region: "cn-hangzhou", Objects: []ossObject{
			{Key: "scripts/my_script.py", Output: []string{"my_script.py done"}},
		}},
		{Name: "my-bucket", Region: "cn-hangzhou", Objects: []ossObject{
			{Key: "jars/my-app.jar", MainClass: "com.example.MyApp", Classes: []string{"com.example.MyApp"}, Output: []string{"MyApp done"}},
			{Key: "jars/my-etl.jar", MainClass: "com.example.ETL", Classes: []string{"com.example.ETL"}, Output: []string{"ETL done"}},
			{Key: "scripts/my_script.py", Output: []string{"my_script.py done"}},
		}},
	}
}

// sparkReleases are the engine versions, newest first (the first is the
// default). The names follow the skill and the SDK examples.
func sparkReleases(now time.Time) []sparkRelease {
	mk := func(short, spark, runtime, java string, fusion bool, age time.Duration) sparkRelease {
		r := sparkRelease{
			Short: short, Spark: spark, Scala: "2.12", Runtime: runtime, Java: java, Fusion: fusion,
			Type: "stable", State: "ONLINE", Created: now.Add(-age),
		}
		r.Version = short + " (Spark " + spark + ", Scala 2.12, " + runtime + ")"
		r.Display = short + " (Spark " + spark + ", Scala 2.12)"
		return r
	}
	day := 24 * time.Hour
	return []sparkRelease{
		mk("esr-4.7.0", "3.5.2", "Java Runtime", "17", false, 30*day),
		mk("esr-4.7.0", "3.5.2", "Native Runtime", "17", true, 30*day),
		mk("esr-4.6.0", "3.5.2", "Java Runtime", "17", false, 90*day),
		mk("esr-3.3.1", "3.4.4", "Java Runtime", "8", false, 180*day),
		mk("esr-3.0.0", "3.4.3", "Native Runtime", "8", true, 300*day),
		mk("esr-2.1", "3.3.1", "Java Runtime", "8", false, 600*day),
	}
}

// seedSpark adds the Serverless Spark inventory: the RAM roles, buckets
// and releases, and a RUNNING workspace in cn-hangzhou with root_queue and
// dev_queue and a RUNNING Kyuubi gateway with one running and one finished
// application. Everything seeded happened in the past of now.
func seedSpark(w *World, now time.Time) {
	w.SparkAccount.Put(sparkAccountKey, &sparkAccountRec{
		RAMRoles: []string{sparkLinkedRole, jobRunRole, "AliyunECSInstanceForEMRRole", "AliyunEMRDefaultRole"},
		Buckets:  sparkBuckets(),
		Releases: sparkReleases(now),
	})
	created := now.Add(-30 * 24 * time.Hour)
	ws := &workspaceRec{
		ID: seedWorkspaceID, Region: "cn-hangzhou", Name: "emrctl-sandbox", PaymentType: "PayAsYouGo",
		Storage: "oss://" + seedBucket + "/", Bucket: seedBucket, RAMRole: jobRunRole, CU: 200,
		Tags: []sparkwire.Tag{{Key: "env", Value: "sandbox"}}, CreatedAt: created, ReadyAt: created.Add(workspaceStartingFor),
	}
	w.Workspaces.Put(ws.ID, ws)
	putQueue(w, ws, "root_queue", 150, created, "production")
	putQueue(w, ws, "dev_queue", 50, created, "dev")
	acct := w.sparkAccount()
	kb := &kyuubiRec{
		ID: seedKyuubiID, WorkspaceID: ws.ID, Name: "sandbox-kyuubi", Queue: "dev_queue", Release: acct.Releases[0].Version,
		ComputeInstance: "2c8g", KyuubiRelease: defaultKyuubiRelease, Replica: 1,
		CreatedAt: created, StartAt: created, RunningAt: created.Add(2 * time.Minute),
	}
	w.Kyuubis.Put(kb.ID, kb)
	for _, a := range []*kyuubiAppRec{
		{ID: "spark-sandbox00000000000000000000000001", Name: "kyuubi-connection-spark-sql-anonymous-sandbox-1", StartedAt: now.Add(-3 * time.Hour), EndAt: now.Add(-2 * time.Hour), LatestStatus: "SUCCESS", ExitReason: "Exit Code: 0, Exit Reason: Completed"},
		{ID: "spark-sandbox00000000000000000000000002", Name: "kyuubi-connection-spark-sql-anonymous-sandbox-2", StartedAt: now.Add(-time.Hour), LatestStatus: "RUNNING"},
	} {
		a.WorkspaceID, a.KyuubiID, a.Queue, a.CU = ws.ID, kb.ID, kb.Queue, 4
		a.RunningAt = a.StartedAt.Add(appStartingFor)
		w.KyuubiApps.Put(a.ID, a)
	}
}

func putQueue(w *World, ws *workspaceRec, name string, cu int64, now time.Time, env string) {
	q := &queueRec{Key: ws.ID + "/" + name, WorkspaceID: ws.ID, Name: name, CU: cu, MaxCU: cu, CreatedAt: now, Environments: []string{env}}
	w.Queues.Put(q.Key, q)
}
